import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../common/enums';
import { ApiKey } from './api-key.entity';
import { REVOCATION_CHANNEL } from './api-key-cache';
import { generateApiKey, hashApiKey } from './api-keys';
import { User } from './user.entity';

export interface CreatedUser {
  id: string;
  apiKey: string;
  keyPrefix: string;
}

/** Administration of users and keys, used by the admin command line and the first start. */
export class UserService {
  constructor(private readonly em: EntityManager) {}

  async createUser(input: { name: string; email: string; role: Role }): Promise<CreatedUser> {
    const name = input.name.trim();
    const email = input.email.trim();
    if (!name) throw new Error('--name must not be blank');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`--email is not an email address: ${email}`);
    if (!Object.values(Role).includes(input.role)) {
      throw new Error(`--role must be one of ${Object.values(Role).join(', ')}`);
    }
    return this.em.transactional(async (em) => {
      const existing = await em.execute<{ id: string }[]>(
        'select id from app_user where lower(email) = lower(?)', [email]);
      if (existing.length > 0) throw new Error(`a user with email ${email} already exists`);
      const user = em.create(User, { name, email, role: input.role });
      const key = generateApiKey();
      em.create(ApiKey, { user, prefix: key.prefix, hash: key.hash });
      await em.flush();
      return { id: user.id, apiKey: key.key, keyPrefix: key.prefix };
    });
  }

  async createKey(email: string): Promise<CreatedUser> {
    return this.em.transactional(async (em) => {
      const user = await this.findByEmail(em, email);
      const key = generateApiKey();
      em.create(ApiKey, { user, prefix: key.prefix, hash: key.hash });
      await em.flush();
      return { id: user.id, apiKey: key.key, keyPrefix: key.prefix };
    });
  }

  /** Revokes the key with this prefix; returns the owner's id. Revoking twice is an error. */
  async revokeKey(prefix: string): Promise<{ id: string; prefix: string; revokedAt: string }> {
    return this.em.transactional(async (em) => {
      const key = await em.findOne(ApiKey, { prefix }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!key) throw new Error(`no API key with prefix ${prefix}`);
      if (key.revokedAt) throw new Error(`the key ${prefix} was already revoked at ${key.revokedAt.toISOString()}`);
      key.revokedAt = new Date();
      await em.flush();
      // Every running service forgets the key at once (delivered when this commits).
      await em.execute('select pg_notify(?, ?)', [REVOCATION_CHANNEL, key.hash]);
      return { id: key.user.id, prefix, revokedAt: key.revokedAt.toISOString() };
    });
  }

  /** The user a live key belongs to, or null for unknown and revoked keys alike. */
  static async authenticate(em: EntityManager, key: string): Promise<User | null> {
    const found = await em.findOne(ApiKey, { hash: hashApiKey(key), revokedAt: null }, { populate: ['user'] });
    return found ? found.user.getEntity() : null;
  }

  private async findByEmail(em: EntityManager, email: string): Promise<User> {
    const rows = await em.execute<{ id: string }[]>(
      'select id from app_user where lower(email) = lower(?)', [email.trim()]);
    if (rows.length === 0) throw new Error(`no user with email ${email}`);
    return em.findOneOrFail(User, rows[0].id);
  }
}
