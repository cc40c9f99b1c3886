import './boot';
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import type { App } from './app';
import { loadConfig, type Config } from './config';
import { ensureDatabase } from './db/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { createLogger } from './http/logging';
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
    // process ends within seconds — with exit code 1, because that stop was not clean.
    setTimeout(() => {
      process.stderr.write(`shutdown on ${signal} did not finish in time; exiting anyway\n`);
      process.exit(code || 1);
    }, (config?.shutdownTimeoutMs ?? 10_000) + 5_000).unref();
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

    let starting: Promise<EmbeddedDatabase> | undefined;
    if (!databaseUrl) {
      log.info({ dataDir: config.dataDir }, 'no DATABASE_URL: starting the embedded PostgreSQL');
      let spawned: () => void = () => undefined;
      const running = new Promise<void>((resolve) => { spawned = resolve; });
      starting = startEmbeddedPostgres(path.join(config.dataDir, 'pg'), { log: (line) => log.debug({ pg: line }), onSpawn: () => spawned(), exclusive: true });
      // Once PostgreSQL is on its way, the rest of the service loads meanwhile; a start that
      // failed already is reported at once.
      let failed = false;
      await Promise.race([running, starting.then(() => undefined, () => { failed = true; })]);
      if (failed) await starting;
    }
    // Loading the service's modules is most of a start: it happens while PostgreSQL starts.
    const { createApp } = require('./app') as typeof import('./app');

    let fresh = false;
    if (starting) {
      const pg = await starting;
      stopEmbedded = pg.stop;
      fresh = pg.created;
      dataLine = `  Database:        embedded PostgreSQL, data in ${pg.dataDir}${pg.relocatedBecause ? ` (${pg.relocatedBecause})` : ''}`;
      databaseUrl = await ensureDatabase(pg.adminUrl, 'leads');
    }
    if (!databaseUrl) throw new Error('no database');

    const keyFile = path.join(config.dataDir, 'admin-api-key.txt');
    let adminKey: string | null = null;
    if (stopEmbedded) {
      // A new cluster (or a lost key file) gets the first admin and the demo leads; a warm start
      // only reads the key back.
      if (fresh || !fs.existsSync(keyFile)) {
        const { initOrm } = require('./db/orm') as typeof import('./db/orm');
        const { seedFirstStart } = require('./db/seed') as typeof import('./db/seed');
        const orm = await initOrm({ databaseUrl });
        try {
          adminKey = await seedFirstStart(orm);
        } finally {
          await orm.close(true);
        }
        if (adminKey) fs.writeFileSync(keyFile, `${adminKey}\n`, { mode: 0o600 });
      }
      if (!adminKey && fs.existsSync(keyFile)) adminKey = fs.readFileSync(keyFile, 'utf8').trim();
    }
    // The development key goes into Sandbox only where no one else can open the page.
    const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.host);
    const sandboxApiKey = adminKey && loopback ? adminKey : undefined;
    app = await createApp({ config, databaseUrl, logger: log, sandboxApiKey });
    const url = await listening(app.listen());
    if (stopping) return;

    // What the Sandbox page does: with the development key in place (embedded database, loopback
    // only), or asking for one.
    const sandboxLine = !config.introspection
      ? '  Apollo Sandbox:  off (INTROSPECTION=false)'
      : sandboxApiKey
        ? `  Apollo Sandbox:  open ${url}/graphql in a browser: it opens with the development admin key in place`
        : `  Apollo Sandbox:  open ${url}/graphql in a browser and put your key in its Authorization header (Bearer <api key>)`;
    const lines = [
      '',
      `  Leads service ready at ${url}/graphql`,
      sandboxLine,
      `  Health:          ${url}/healthz   Readiness: ${url}/readyz   About: ${url}/`,
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
