import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { loadConfig } from './config';
import { ensureDatabase } from './db/database';
import { initOrm } from './db/orm';
import { startEmbeddedPostgres } from './db/embedded';
import { createLogger } from './http/logging';
import { seedFirstStart } from './db/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let databaseUrl = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;

  if (!databaseUrl) {
    log.info({ dataDir: config.dataDir }, 'no DATABASE_URL: starting the embedded PostgreSQL');
    const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), { log: (line) => log.debug({ pg: line }) });
    stopEmbedded = pg.stop;
    databaseUrl = await ensureDatabase(pg.adminUrl, 'leads');
  }

  const keyFile = path.join(config.dataDir, 'admin-api-key.txt');
  let adminKey: string | null = null;
  if (stopEmbedded) {
    const orm = await initOrm({ databaseUrl });
    try {
      adminKey = await seedFirstStart(orm);
    } finally {
      await orm.close(true);
    }
    if (adminKey) fs.writeFileSync(keyFile, `${adminKey}\n`, { mode: 0o600 });
    else if (fs.existsSync(keyFile)) adminKey = fs.readFileSync(keyFile, 'utf8').trim();
  }
  // The development key goes into Sandbox only where no one else can open the page.
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.host);
  const app = await createApp({ config, databaseUrl, logger: log, sandboxApiKey: adminKey && loopback ? adminKey : undefined });
  const url = await app.listen();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await app.stop();
      await stopEmbedded?.();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const lines = [
    '',
    `  Leads service ready at ${url}/graphql`,
    config.introspection ? `  Apollo Sandbox:  open ${url}/graphql in a browser and add the header "Authorization: Bearer <api key>"` : '',
    `  Health:          ${url}/healthz   Readiness: ${url}/readyz`,
    stopEmbedded ? `  Database:        embedded PostgreSQL, data in ${config.dataDir}` : '  Database:        DATABASE_URL',
    adminKey ? `  Development admin API key (kept in ${keyFile}):\n    ${adminKey}` : '',
    '',
  ].filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
