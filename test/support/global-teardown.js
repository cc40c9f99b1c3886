// Drops every database this run made and stops the embedded PostgreSQL, if one was started.
const fs = require('node:fs');
const { Client } = require('pg');

module.exports = async function globalTeardown() {
  const adminUrl = process.env.LEADS_TEST_ADMIN_URL;
  const runId = process.env.LEADS_TEST_RUN_ID;
  if (adminUrl && runId && process.env.DATABASE_URL) {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query('select datname from pg_database where datname like $1', [`leads_${runId}_%`]);
      for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await client.end();
    }
  }
  const pg = globalThis.__LEADS_TEST_PG__;
  if (pg) {
    await pg.stop();
    fs.rmSync(pg.dir, { recursive: true, force: true });
  }
};
