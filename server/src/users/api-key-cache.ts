import type { MikroORM } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { Role } from '../common/enums';
import { ApiKey } from './api-key.entity';
import { hashApiKey } from './api-keys';

/** Who a verified key belongs to: plain data, shared by requests, never an entity of one of them. */
export interface Caller {
  keyId: string;
  user: Readonly<{ id: string; name: string; email: string; role: Role; createdAt: Date }>;
}

/** The channel UserService.revokeKey notifies with the revoked key's hash. */
export const REVOCATION_CHANNEL = 'api_key_revoked';

/** Keys remembered at most; the least recently used are forgotten first. */
export const API_KEY_CACHE_SIZE = 10_000;

/**
 * Verified API keys, by their SHA-256 hash, for `ttlMs` (API_KEY_CACHE_MS, 5 s by default):
 * a hot caller is looked up once per period instead of on every request.
 *
 * Revocation: `revokeKey` notifies every process (PostgreSQL NOTIFY), which forgets the key at
 * once; should a notification be lost (the listening connection down), a revoked key still
 * works for at most `ttlMs`. Only keys that verified are remembered: unknown and made-up keys
 * are looked up each time, behind the per-client limit on requests without a valid key.
 */
export class ApiKeyCache {
  private readonly entries: LRUCache<string, Caller> | null;
  /**
   * Hashes of keys that verified in the last hour, whether or not still cached: such a key is
   * looked up even from an address over its limit of failures, so that a made-up key, never
   * here, is what that limit stops, not a colleague's key behind the same address.
   */
  private readonly known = new LRUCache<string, true>({ max: API_KEY_CACHE_SIZE * 10, ttl: 60 * 60 * 1000 });
  private listener: Client | null = null;
  private stopped = false;

  constructor(private readonly orm: MikroORM, ttlMs: number, private readonly log?: Logger) {
    this.entries = ttlMs > 0 ? new LRUCache<string, Caller>({ max: API_KEY_CACHE_SIZE, ttl: ttlMs, ttlAutopurge: false }) : null;
  }

  /** The caller of a key verified within the period, without asking the database. */
  cached(key: string): Caller | null {
    return this.entries?.get(hashApiKey(key)) ?? null;
  }

  /** Whether `key` verified within the last hour (it may have been revoked since). */
  knownGood(key: string): boolean {
    return this.known.has(hashApiKey(key));
  }

  /** The caller of a live key, from the database (and remembered); null for unknown and revoked keys. */
  async lookup(key: string): Promise<Caller | null> {
    const hash = hashApiKey(key);
    const found = await this.orm.em.fork().findOne(ApiKey, { hash, revokedAt: null }, { populate: ['user'] });
    if (!found) {
      this.known.delete(hash);
      return null;
    }
    this.known.set(hash, true);
    const u = found.user.getEntity();
    const caller: Caller = { keyId: found.id, user: Object.freeze({ id: u.id, name: u.name, email: u.email, role: u.role, createdAt: u.createdAt }) };
    this.entries?.set(hash, caller);
    return caller;
  }

  forget(hash: string): void {
    this.entries?.delete(hash);
  }

  /** Listens for revocations on `databaseUrl`, reconnecting after a failure. */
  async listen(databaseUrl: string): Promise<void> {
    if (!this.entries || this.stopped) return;
    const client = new Client({ connectionString: databaseUrl });
    const retry = (err: unknown) => {
      this.log?.warn({ err }, 'API key revocations: listening failed; revoked keys live on for the cache period');
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => { void this.listen(databaseUrl).catch(() => undefined); }, 5000).unref();
    };
    client.on('error', retry);
    client.on('notification', (n) => { if (n.channel === REVOCATION_CHANNEL && n.payload) this.forget(n.payload); });
    try {
      await client.connect();
      await client.query(`listen ${REVOCATION_CHANNEL}`);
      this.listener = client;
      // Anything revoked while not listening is forgotten now.
      this.entries.clear();
    } catch (err) {
      retry(err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
  }
}
