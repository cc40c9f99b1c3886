import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createApp, type App } from './app';
import { loadConfig, type Config } from './config';
import { ensureDatabase } from './db/database';
import { initOrm } from './db/orm';
import { startEmbeddedPostgres } from './db/embedded';
import { createLogger } from './http/logging';
import { seedFirstStart } from './db/seed';
import { explainStartFailure, listening } from './startup';

async function main(): Promise<void> {
  let config: Config | undefined;
  let app: App | undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let stopping = false;
  const shutdown = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    // Requests in flight get SHUTDOWN_TIMEOUT_MS to finish; whatever hangs after that, the
    // process ends within seconds.
    setTimeout(() => process.exit(code), (config?.shutdownTimeoutMs ?? 10_000) + 5_000).unref();
    try {
      await app?.stop();
      await stopEmbedded?.();
    } finally {
      process.exit(code);
    }
  };
  // From the first moment, so that Ctrl-C during a first start (initdb, migrations) also stops
  // the embedded PostgreSQL.
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    config = loadConfig();
    const log = createLogger(config.logLevel);
    let databaseUrl = config.databaseUrl;
    let dataLine = '  Database:        DATABASE_URL';

    if (!databaseUrl) {
      log.info({ dataDir: config.dataDir }, 'no DATABASE_URL: starting the embedded PostgreSQL');
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), { log: (line) => log.debug({ pg: line }) });
      stopEmbedded = pg.stop;
      dataLine = `  Database:        embedded PostgreSQL, data in ${pg.dataDir}${pg.relocatedBecause ? ` (${pg.relocatedBecause})` : ''}`;
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
    app = await createApp({ config, databaseUrl, logger: log, sandboxApiKey: adminKey && loopback ? adminKey : undefined });
    const url = await listening(app.listen());
    if (stopping) return;

    const lines = [
      '',
      `  Leads service ready at ${url}/graphql`,
      config.introspection ? `  Apollo Sandbox:  open ${url}/graphql in a browser and add the header "Authorization: Bearer <api key>"` : '',
      `  Health:          ${url}/healthz   Readiness: ${url}/readyz`,
      dataLine,
      adminKey ? `  Development admin API key (kept in ${keyFile}):\n    ${adminKey}` : '',
      '',
    ].filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1);
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    process.stderr.write(`${explainStartFailure(err, config)}\n`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
    await shutdown('start failure', 1);
  }
}

void main();
