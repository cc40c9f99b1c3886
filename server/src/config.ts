import path from 'node:path';
import { bool, cleanEnv, host, num, port, str, url } from 'envalid';

/** The service's configuration, read from the environment and validated once. */
export interface Config {
  port: number;
  host: string;
  /** A PostgreSQL connection URL; when absent the service runs an embedded PostgreSQL. */
  databaseUrl?: string;
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the embedded PostgreSQL keeps its cluster and the first admin key. */
  dataDir: string;
  /** Introspection and the Sandbox landing page; on outside production unless set. */
  introspection: boolean;
  /** Requests a single API key may make per minute (0 turns throttling off). */
  rateLimitPerMinute: number;
  /** Database connection pool size. */
  dbPoolMax: number;
  /** Browser origins allowed to call the API (CORS); `true` allows any origin. */
  corsOrigins: true | string[];
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
      NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
      LOG_LEVEL: str({
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        default: 'info',
      }),
      DATA_DIR: str({ default: '.data', desc: 'embedded PostgreSQL data directory' }),
      INTROSPECTION: bool({ default: undefined }),
      // 100 a second per key: room for bulk scripts and test suites, a stop for runaway loops.
      RATE_LIMIT_PER_MINUTE: num({ default: 6000 }),
      DB_POOL_MAX: num({ default: 10 }),
      CORS_ORIGINS: str({ default: '*', desc: 'comma-separated browser origins allowed to call the API, or *' }),
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
  if (e.RATE_LIMIT_PER_MINUTE < 0 || !Number.isInteger(e.RATE_LIMIT_PER_MINUTE)) {
    throw new Error('Invalid configuration:\n  RATE_LIMIT_PER_MINUTE: must be a whole number ≥ 0');
  }
  if (e.DB_POOL_MAX < 1 || !Number.isInteger(e.DB_POOL_MAX)) {
    throw new Error('Invalid configuration:\n  DB_POOL_MAX: must be a whole number ≥ 1');
  }
  const origins = e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of origins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) {
      throw new Error(`Invalid configuration:\n  CORS_ORIGINS: "${o}" is not an origin such as https://app.example.com (or *)`);
    }
  }
  const nodeEnv = e.NODE_ENV as Config['nodeEnv'];
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    nodeEnv,
    logLevel: e.LOG_LEVEL as Config['logLevel'],
    dataDir: path.resolve(e.DATA_DIR),
    introspection: e.INTROSPECTION ?? nodeEnv !== 'production',
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    dbPoolMax: e.DB_POOL_MAX,
    corsOrigins: origins.length === 0 || origins.includes('*') ? true : origins,
  };
}
