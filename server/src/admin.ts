import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { Role } from './common/enums';
import { ensureDatabase } from './db/database';
import { startEmbeddedPostgres } from './db/embedded';
import { initOrm } from './db/orm';
import { UserService } from './users/user.service';

const USAGE = `Usage: npm run admin -- <command> [options]
  user:create --name NAME --email EMAIL --role ADMIN|MANAGER|SALESPERSON|PARTNER
  key:create  --email EMAIL        a new API key for an existing user
  key:revoke  --prefix PREFIX      revoke a key by its prefix (lds_XXXXXXXXXX)
Each prints one JSON object. Uses DATABASE_URL, or else the embedded PostgreSQL in DATA_DIR.`;

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (!v) throw new Error(`--${name} is required\n\n${USAGE}`);
  return v;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, prefix: { type: 'string' } },
  });
  const command = positionals[0];
  if (!command || !['user:create', 'key:create', 'key:revoke'].includes(command)) throw new Error(USAGE);

  const config = loadConfig();
  let databaseUrl = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
    stopEmbedded = pg.stop;
    databaseUrl = await ensureDatabase(pg.adminUrl, 'leads');
  }
  const orm = await initOrm({ databaseUrl });
  try {
    const users = new UserService(orm.em.fork());
    let out: object;
    if (command === 'user:create') {
      const role = required(values, 'role').toUpperCase() as Role;
      const created = await users.createUser({ name: required(values, 'name'), email: required(values, 'email'), role });
      out = { id: created.id, apiKey: created.apiKey, keyPrefix: created.keyPrefix };
    } else if (command === 'key:create') {
      const created = await users.createKey(required(values, 'email'));
      out = { id: created.id, apiKey: created.apiKey, keyPrefix: created.keyPrefix };
    } else {
      out = await users.revokeKey(required(values, 'prefix'));
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await orm.close(true);
    await stopEmbedded?.();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
