import path from 'node:path';
import { bool, cleanEnv, host, num, port, str, url } from 'envalid';

/** The service's configuration, read from the environment and validated once. */
export interface Config {
  port: number;
  host: string;
  /** A PostgreSQL connection URL; when absent the service runs an embedded PostgreSQL. */
  databaseUrl?: string;
  /** Streaming replicas of `databaseUrl` that GraphQL queries may read from (see db/replicas.ts); empty: none. */
  databaseReplicaUrls: string[];
  /** After a caller's mutation, how long its queries still read from the primary, in milliseconds (0: not at all). */
  replicaReadAfterWriteMs: number;
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the embedded PostgreSQL keeps its cluster and the first admin key. */
  dataDir: string;
  /** Introspection and the Sandbox landing page; on outside production unless set. */
  introspection: boolean;
  /** Requests a single API key may make per minute (0 turns throttling off). */
  rateLimitPerMinute: number;
  /** Estimated cost (see common/limits.ts) a single API key may spend per minute (0: no budget). */
  costLimitPerMinute: number;
  /** Requests without a valid key one client IP may make per minute (0: no limit). */
  authFailuresPerMinute: number;
  /** Web-form posts (`POST /forms/…`, any key) one client network may make per minute (0: no limit). */
  formPostsPerIpPerMinute: number;
  /** Posts to one web form per minute, from all clients together (0: no limit). */
  formPostsPerFormPerMinute: number;
  /** How long a verified API key is remembered, in milliseconds (0: every request looks it up). */
  apiKeyCacheMs: number;
  /** Database connection pool size. */
  dbPoolMax: number;
  /** Bounds on the database's time, in milliseconds (see {@link DbTimeouts}). */
  db: DbTimeouts;
  /** How long a stop (SIGTERM, SIGINT) waits for requests in flight before closing anyway. */
  shutdownTimeoutMs: number;
  /**
   * Browser origins allowed to call the API (CORS); `true` allows any origin. An origin may end
   * in `:*` for any port. Unset: none in production; loopback and Apollo Sandbox otherwise.
   */
  corsOrigins: true | string[];
}

/** Bounds on the time a request may spend on the database; past any of them it is a 503. */
export interface DbTimeouts {
  /** Waiting for a pooled connection (at most 5 s). */
  acquireTimeoutMs: number;
  /** One statement (`statement_timeout`, on every connection). */
  statementTimeoutMs: number;
  /** Waiting for one lock (`lock_timeout`, on every connection). */
  lockTimeoutMs: number;
  /** A transaction left open and idle (`idle_in_transaction_session_timeout`, on every connection). */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = {
  acquireTimeoutMs: 5000, statementTimeoutMs: 30_000, lockTimeoutMs: 10_000, idleInTransactionTimeoutMs: 60_000,
};

/**
 * Browser origins allowed by default outside production: pages on this machine, and Apollo
 * Sandbox — on its own site and embedded in the landing page (its iframe's origin).
 */
export const DEVELOPMENT_ORIGINS = [
  'http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*',
  'https://studio.apollographql.com', 'https://sandbox.embed.apollographql.com',
];

function isPostgresUrl(u: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(u)) return false;
  try {
    return new URL(u).hostname !== '';
  } catch {
    return false;
  }
}

/** A URL as it may appear in an error message: without its password. */
function redacted(u: string): string {
  return u.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:*****@');
}

/**
 * Parses `env` into a {@link Config}. A missing or malformed variable stops the process with a
 * message naming it, rather than surfacing later as an obscure failure.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = cleanEnv(
    env,
    {
      PORT: port({ default: 4000, desc: 'HTTP port' }),
      HOST: host({ default: '127.0.0.1', desc: 'interface to listen on (0.0.0.0 in a container)' }),
      DATABASE_URL: url({ default: undefined, desc: 'postgres://user:pass@host:5432/db' }),
      DATABASE_REPLICA_URLS: str({ default: undefined, desc: 'comma-separated postgres:// URLs of streaming replicas of DATABASE_URL' }),
      // Replication lag is normally well under a second: 5 s covers it with room to spare.
      REPLICA_READ_AFTER_WRITE_MS: num({ default: 5000 }),
      NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
      LOG_LEVEL: str({
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        default: 'info',
      }),
      DATA_DIR: str({ default: '.data', desc: 'embedded PostgreSQL data directory' }),
      INTROSPECTION: bool({ default: undefined }),
      // 100 a second per key: room for bulk scripts and test suites, a stop for runaway loops.
      RATE_LIMIT_PER_MINUTE: num({ default: 6000 }),
      // 100 operations of the largest allowed cost a minute, or 1500 list pages of 25 leads.
      COST_LIMIT_PER_MINUTE: num({ default: 1_000_000 }),
      AUTH_FAILURES_PER_MINUTE: num({ default: 60 }),
      // A person sends a form once; 20 a minute leaves room for an office behind one address.
      FORM_POSTS_PER_IP_PER_MINUTE: num({ default: 20 }),
      // A busy campaign form, and a cap on what one leaked form key can pour into the leads.
      FORM_POSTS_PER_FORM_PER_MINUTE: num({ default: 300 }),
      API_KEY_CACHE_MS: num({ default: 5000 }),
      DB_POOL_MAX: num({ default: 10 }),
      DB_ACQUIRE_TIMEOUT_MS: num({ default: DEFAULT_DB_TIMEOUTS.acquireTimeoutMs }),
      DB_STATEMENT_TIMEOUT_MS: num({ default: DEFAULT_DB_TIMEOUTS.statementTimeoutMs }),
      DB_LOCK_TIMEOUT_MS: num({ default: DEFAULT_DB_TIMEOUTS.lockTimeoutMs }),
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: num({ default: DEFAULT_DB_TIMEOUTS.idleInTransactionTimeoutMs }),
      SHUTDOWN_TIMEOUT_MS: num({ default: 10_000 }),
      CORS_ORIGINS: str({ default: undefined, desc: 'comma-separated browser origins allowed to call the API, or *' }),
    },
    {
      reporter: ({ errors }) => {
        const names = Object.keys(errors);
        if (names.length > 0) {
          const lines = names.map((k) => `  ${k}: ${(errors as Record<string, Error>)[k].message}`);
          throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
        }
      },
    },
  );
  if (e.DATABASE_URL && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    throw new Error('Invalid configuration:\n  DATABASE_URL: must be a postgres:// or postgresql:// URL');
  }
  const replicaUrls = (e.DATABASE_REPLICA_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  for (const u of replicaUrls) {
    if (!isPostgresUrl(u)) {
      throw new Error(`Invalid configuration:\n  DATABASE_REPLICA_URLS: "${redacted(u)}" is not a postgres:// or postgresql:// URL`);
    }
  }
  if (replicaUrls.length > 0 && !e.DATABASE_URL) {
    throw new Error('Invalid configuration:\n  DATABASE_REPLICA_URLS: needs DATABASE_URL (the embedded PostgreSQL has no replicas)');
  }
  for (const name of ['RATE_LIMIT_PER_MINUTE', 'COST_LIMIT_PER_MINUTE', 'AUTH_FAILURES_PER_MINUTE', 'FORM_POSTS_PER_IP_PER_MINUTE',
    'FORM_POSTS_PER_FORM_PER_MINUTE', 'API_KEY_CACHE_MS', 'REPLICA_READ_AFTER_WRITE_MS'] as const) {
    if (e[name] < 0 || !Number.isInteger(e[name])) throw new Error(`Invalid configuration:\n  ${name}: must be a whole number ≥ 0`);
  }
  for (const name of ['DB_ACQUIRE_TIMEOUT_MS', 'DB_STATEMENT_TIMEOUT_MS', 'DB_LOCK_TIMEOUT_MS', 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 'SHUTDOWN_TIMEOUT_MS'] as const) {
    if (e[name] < 1 || !Number.isInteger(e[name])) throw new Error(`Invalid configuration:\n  ${name}: must be a whole number of milliseconds ≥ 1`);
  }
  if (e.DB_ACQUIRE_TIMEOUT_MS > 5000) {
    throw new Error('Invalid configuration:\n  DB_ACQUIRE_TIMEOUT_MS: at most 5000 (a request waits no longer for a connection)');
  }
  if (e.DB_POOL_MAX < 1 || !Number.isInteger(e.DB_POOL_MAX)) {
    throw new Error('Invalid configuration:\n  DB_POOL_MAX: must be a whole number ≥ 1');
  }
  const nodeEnv = e.NODE_ENV as Config['nodeEnv'];
  const origins = e.CORS_ORIGINS === undefined
    ? (nodeEnv === 'production' ? [] : DEVELOPMENT_ORIGINS)
    : e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of origins) {
    if (o !== '*' && !/^https?:\/\/[^/\s*]+(:\*)?$/.test(o)) {
      throw new Error(`Invalid configuration:\n  CORS_ORIGINS: "${o}" is not an origin such as https://app.example.com or http://localhost:* (or *)`);
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    databaseReplicaUrls: replicaUrls,
    replicaReadAfterWriteMs: e.REPLICA_READ_AFTER_WRITE_MS,
    nodeEnv,
    logLevel: e.LOG_LEVEL as Config['logLevel'],
    dataDir: path.resolve(e.DATA_DIR),
    introspection: e.INTROSPECTION ?? nodeEnv !== 'production',
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    costLimitPerMinute: e.COST_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    formPostsPerIpPerMinute: e.FORM_POSTS_PER_IP_PER_MINUTE,
    formPostsPerFormPerMinute: e.FORM_POSTS_PER_FORM_PER_MINUTE,
    apiKeyCacheMs: e.API_KEY_CACHE_MS,
    dbPoolMax: e.DB_POOL_MAX,
    db: {
      acquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: origins.includes('*') ? true : origins,
  };
}
