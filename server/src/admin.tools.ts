import path from 'node:path';
import type { Command } from 'commander';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, type Config } from './config';
import { ensureDatabase } from './db/database';
import { startEmbeddedPostgres } from './db/embedded';
import { initOrm } from './db/orm';
import { explainStartFailure } from './startup';
import { UserService } from './users/user.service';

/** What an admin command works with: a fresh EntityManager and the user commands over it. */
export interface AdminDatabase {
  em: EntityManager;
  users: UserService;
}

/** Runs `work` against the service's database: DATABASE_URL, or the embedded one in DATA_DIR. */
export async function withDatabase<T>(work: (db: AdminDatabase) => Promise<T>): Promise<T> {
  let config: Config | undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let orm: MikroORM | undefined;
  try {
    config = loadConfig();
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
      stopEmbedded = pg.stop;
      databaseUrl = await ensureDatabase(pg.adminUrl, 'leads');
    }
    orm = await initOrm({ databaseUrl });
  } catch (err) {
    await stopEmbedded?.();
    throw new Error(explainStartFailure(err, config));
  }
  try {
    const em = orm.em.fork() as EntityManager;
    return await work({ em, users: new UserService(em) });
  } finally {
    await orm.close(true);
    await stopEmbedded?.();
  }
}

/** Prints one JSON object on stdout: every command's answer. */
export const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/**
 * Options a command cannot run without, checked all at once (commander's own
 * requiredOption stops at the first missing one).
 */
export function requireAll(command: Command, names: string[]): void {
  const opts = command.opts<Record<string, unknown>>();
  const missing = names.filter((n) => opts[n] === undefined || opts[n] === '');
  if (missing.length > 0) {
    command.error(`error: missing required option${missing.length > 1 ? 's' : ''} ${missing.map((n) => `--${n}`).join(', ')}`);
  }
}
