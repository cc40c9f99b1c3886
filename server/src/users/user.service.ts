import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../common/enums';
import { ApiKey } from './api-key.entity';
import { REVOCATION_CHANNEL } from './api-key-cache';
import { generateApiKey, hashApiKey } from './api-keys';
import { User } from './user.entity';

export interface CreatedUser {
  /** The user's id (also as `userId`). */
  id: string;
  userId: string;
  /** The new key's own id. */
  keyId: string;
  /** The secret: shown once, stored only as its hash. */
  apiKey: string;
  /** `lds_XXXXXXXXXX`: identifies the key without revealing it (key:revoke takes it). */
  keyPrefix: string;
}

/** A user as the admin command lists it. */
export interface ListedUser {
  userId: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  /** Keys not revoked. */
  liveKeys: number;
}

/** A key as the admin command lists it: never its secret or hash, only its prefix. */
export interface ListedKey {
  keyId: string;
  keyPrefix: string;
  userId: string;
  email: string;
  createdAt: string;
  revokedAt: string | null;
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
      const row = em.create(ApiKey, { user, prefix: key.prefix, hash: key.hash });
      await em.flush();
      return { id: user.id, userId: user.id, keyId: row.id, apiKey: key.key, keyPrefix: key.prefix };
    });
  }

  async createKey(email: string): Promise<CreatedUser> {
    return this.em.transactional(async (em) => {
      const user = await this.findByEmail(em, email);
      const key = generateApiKey();
      const row = em.create(ApiKey, { user, prefix: key.prefix, hash: key.hash });
      await em.flush();
      return { id: user.id, userId: user.id, keyId: row.id, apiKey: key.key, keyPrefix: key.prefix };
    });
  }

  /** Revokes the key with this prefix; says which key and whose. Revoking twice is an error. */
  async revokeKey(prefix: string): Promise<{ keyId: string; keyPrefix: string; userId: string; revokedAt: string }> {
    return this.em.transactional(async (em) => {
      const key = await em.findOne(ApiKey, { prefix }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!key) throw new Error(`no API key with prefix ${prefix}`);
      if (key.revokedAt) throw new Error(`the key ${prefix} was already revoked at ${key.revokedAt.toISOString()}`);
      key.revokedAt = new Date();
      await em.flush();
      // Every running service forgets the key at once (delivered when this commits).
      await em.execute('select pg_notify(?, ?)', [REVOCATION_CHANNEL, key.hash]);
      return { keyId: key.id, keyPrefix: prefix, userId: key.user.id, revokedAt: key.revokedAt.toISOString() };
    });
  }

  /** Every user, oldest first, optionally of one role, with the number of its live keys. */
  async listUsers(role?: Role): Promise<ListedUser[]> {
    const rows = await this.em.execute<Array<{ id: string; name: string; email: string; role: Role; created_at: Date; live_keys: string }>>(
      `select u.id, u.name, u.email, u.role, u.created_at,
              (select count(*) from api_key k where k.user_id = u.id and k.revoked_at is null) as live_keys
         from app_user u ${role ? 'where u.role = ?' : ''} order by u.created_at, u.id`, role ? [role] : []);
    return rows.map((r) => ({
      userId: r.id, name: r.name, email: r.email, role: r.role, createdAt: new Date(r.created_at).toISOString(), liveKeys: Number(r.live_keys),
    }));
  }

  /** Keys, oldest first: of one user (by email) or of all; live ones only unless `all`. Prefixes only, never secrets. */
  async listKeys(opts: { email?: string; all?: boolean } = {}): Promise<ListedKey[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.email) {
      const user = await this.findByEmail(this.em, opts.email);
      where.push('k.user_id = ?');
      params.push(user.id);
    }
    if (!opts.all) where.push('k.revoked_at is null');
    const rows = await this.em.execute<Array<{ id: string; prefix: string; user_id: string; email: string; created_at: Date; revoked_at: Date | null }>>(
      `select k.id, k.prefix, k.user_id, u.email, k.created_at, k.revoked_at
         from api_key k join app_user u on u.id = k.user_id
        ${where.length ? `where ${where.join(' and ')}` : ''} order by k.created_at, k.id`, params);
    return rows.map((r) => ({
      keyId: r.id, keyPrefix: r.prefix, userId: r.user_id, email: r.email,
      createdAt: new Date(r.created_at).toISOString(), revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    }));
  }

  /** The user a live key belongs to, or null for unknown and revoked keys alike. */
  static async authenticate(em: EntityManager, key: string): Promise<User | null> {
    const found = await em.findOne(ApiKey, { hash: hashApiKey(key), revokedAt: null }, { populate: ['user'] });
    return found ? found.user.getEntity() : null;
  }

  /** The user with this email, ignoring case; an error naming the email when there is none. */
  async findByEmail(em: EntityManager, email: string): Promise<User> {
    const rows = await em.execute<{ id: string }[]>(
      'select id from app_user where lower(email) = lower(?)', [email.trim()]);
    if (rows.length === 0) throw new Error(`no user with email ${email}`);
    return em.findOneOrFail(User, rows[0].id);
  }
}
