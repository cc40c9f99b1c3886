import { DataloaderType, MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { Client } from 'pg';
import { entities } from './entities';
import { migrationsList } from './migrations';
import { DEFAULT_DB_TIMEOUTS, type DbTimeouts } from '../config';

export interface OrmOptions {
  databaseUrl: string;
  /**
   * Streaming replicas of `databaseUrl`: MikroORM's read connections, each with a pool of
   * `poolMax` and the same bounds as the primary's. Only reads that db/replicas.ts routes there
   * use them; everything else, the ORM's own finds included, stays on the primary.
   */
  replicaUrls?: string[];
  poolMax?: number;
  /** Receives every SQL statement; tests count statements through it. */
  onQuery?: (sql: string) => void;
  /** Bounds on waiting for a connection and on every connection's statements; defaults otherwise. */
  timeouts?: DbTimeouts;
  /** Where knex's own warnings go (a lost connection, say); without it they are dropped, never printed as plain text. */
  log?: { warn(obj: object, msg: string): void };
}

export function ormConfig(opts: OrmOptions): Options {
  const t = opts.timeouts ?? DEFAULT_DB_TIMEOUTS;
  const pool = { min: 0, max: opts.poolMax ?? 10 };
  // A request waits a bounded time for a connection, and a connection's statements, lock waits
  // and idle transactions are bounded by the server (sent in the startup packet of every
  // connection): past any of them the request fails fast as a 503 instead of holding the pool.
  const driverOptions = {
    // knex writes its warnings with console.log: plain text among the JSON log lines.
    log: {
      warn: (message: unknown) => opts.log?.warn({ knex: String(message) }, 'database driver warning'),
      error: (message: unknown) => opts.log?.warn({ knex: String(message) }, 'database driver error'),
      deprecate: () => undefined,
      debug: () => undefined,
    },
    acquireConnectionTimeout: t.acquireTimeoutMs,
    connection: {
      statement_timeout: t.statementTimeoutMs,
      lock_timeout: t.lockTimeoutMs,
      idle_in_transaction_session_timeout: t.idleInTransactionTimeoutMs,
      connectionTimeoutMillis: t.acquireTimeoutMs,
    },
  };
  return {
    clientUrl: opts.databaseUrl,
    entities,
    extensions: [Migrator],
    // Ref.load() and Collection.load() from field resolvers are batched per request.
    dataloader: DataloaderType.ALL,
    // One multi-row statement per table for a whole bulk command (qualifyLeads takes 1000 leads).
    // PostgreSQL allows 65535 bind parameters: 1000 inserted opportunities (11 columns) use 11k; a
    // batched UPDATE uses 2 per changed column per row, so 1000 rows fit up to 32 changed columns.
    batchSize: 1000,
    forceUtcTimezone: true,
    allowGlobalContext: false,
    pool,
    driverOptions,
    // A replica has the primary's pool size and the same bounds on every connection. Reads go to
    // one only when asked for by name (em.getConnection('read'), see db/replicas.ts): the ORM's
    // own finds, the API key lookup among them, read from the primary.
    replicas: (opts.replicaUrls ?? []).map((clientUrl, i) => ({ name: `replica-${i + 1}`, clientUrl, pool, driverOptions })),
    preferReadReplicas: false,
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    debug: opts.onQuery ? ['query'] : false,
    // Plain text, so that whoever counts statements can match them.
    colors: false,
    logger: opts.onQuery ? (message: string) => opts.onQuery!(message) : () => undefined,
    discovery: { warnWhenNoEntities: true },
  };
}

/** The advisory lock the migrations run under (any constant of this project's own). */
export const MIGRATION_LOCK = 7_166_031_447;

/**
 * Connects and brings the schema up to date with the committed migrations. Replicas starting
 * at once take turns: the migrations run under a session advisory lock held on a connection
 * of its own, so one migrates and the others, once they have the lock, find nothing pending
 * (before, they raced to create the migrations table and all but one failed to start).
 */
export async function initOrm(opts: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(opts));
  try {
    const lock = new Client({ connectionString: opts.databaseUrl });
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await orm.getMigrator().up();
    } finally {
      // Ending the session releases the lock, whatever happened.
      await lock.end();
    }
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  return orm;
}
