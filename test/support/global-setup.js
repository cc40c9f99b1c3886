// Runs once before all test files, on the compiled server (npm test builds first): starts a
// PostgreSQL (embedded, unless DATABASE_URL names one) and migrates a template database that
// every test file clones into a database of its own.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

module.exports = async function globalSetup() {
  const dist = path.resolve(__dirname, '../../server/dist');
  if (!fs.existsSync(path.join(dist, 'app.js'))) throw new Error('server/dist is missing: run `npm test` (it builds first)');
  require('reflect-metadata');
  const { startEmbeddedPostgres } = require(path.join(dist, 'db/embedded.js'));
  const { ensureDatabase } = require(path.join(dist, 'db/database.js'));
  const { initOrm } = require(path.join(dist, 'db/orm.js'));

  const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-test-pg-'));
    fs.chmodSync(dir, 0o755); // under root, PostgreSQL runs as an unprivileged user that must reach it
    const pg = await startEmbeddedPostgres(path.join(dir, 'data'));
    adminUrl = pg.adminUrl;
    globalThis.__LEADS_TEST_PG__ = { stop: pg.stop, dir };
  }
  const template = `leads_${runId}_template`;
  const templateUrl = await ensureDatabase(adminUrl, template);
  const orm = await initOrm({ databaseUrl: templateUrl });
  await orm.close(true);
  // MikroORM keeps its entity metadata on globalThis, and jest copies this process's globals
  // into every test file's sandbox: left here, one shared registry would collect entities from
  // every file's module realm, and the second file in a worker would fail in MikroORM.init.
  for (const key of Object.keys(globalThis)) if (key.startsWith('mikro-orm-')) delete globalThis[key];

  process.env.LEADS_TEST_ADMIN_URL = adminUrl;
  process.env.LEADS_TEST_TEMPLATE = template;
  process.env.LEADS_TEST_RUN_ID = runId;
};
