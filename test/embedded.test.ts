import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIST = path.resolve(__dirname, '../server/dist/db/embedded.js');

/**
 * Runs `body` in a node process of its own with the compiled embedded.js (the package is
 * ESM-only and loads through a native dynamic import, which jest's sandbox does not allow).
 * `body` sees `embedded`, `logsIn(url, password)` and `dir`, and returns a JSON-able result.
 */
async function inNode(dir: string, body: string): Promise<any> {
  const script = `
    const embedded = require(${JSON.stringify(DIST)});
    const { Client } = require('pg');
    const dir = ${JSON.stringify(dir)};
    async function logsIn(adminUrl, password) {
      const u = new URL(adminUrl); u.password = encodeURIComponent(password);
      const c = new Client({ connectionString: u.toString() });
      try { await c.connect(); return true; } catch { return false; } finally { await c.end().catch(() => undefined); }
    }
    (async () => { ${body} })().then((r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); },
      (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..') });
  return JSON.parse(stdout);
}

describe('the embedded PostgreSQL', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-embedded-'));
    fs.chmodSync(dir, 0o755); // under root, PostgreSQL runs as an unprivileged user that must reach it
  });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  test('gets a random superuser password, kept beside its cluster for its owner only', async () => {
    const data = path.join(dir, 'fresh');
    const r = await inNode(data, `
      const pg = await embedded.startEmbeddedPostgres(dir);
      try {
        const password = require('fs').readFileSync(embedded.passwordFile(dir), 'utf8').trim();
        return { password, inUrl: new URL(pg.adminUrl).password, mode: require('fs').statSync(embedded.passwordFile(dir)).mode & 0o777,
          withIt: await logsIn(pg.adminUrl, password), withOld: await logsIn(pg.adminUrl, 'leads-embedded') };
      } finally { await pg.stop(); }`);
    expect(r.password).toMatch(/^[\w-]{32}$/);
    expect(r.inUrl).toBe(r.password);
    expect(r.mode).toBe(0o600);
    expect(r.withIt).toBe(true);
    expect(r.withOld).toBe(false);
  });

  test('a cluster made with the old fixed password still starts, and is moved to a random one', async () => {
    const data = path.join(dir, 'legacy');
    // Make what an older version left: a cluster whose password is the fixed one, and no password file.
    await inNode(data, `
      const pg = await embedded.startEmbeddedPostgres(dir);
      const c = new Client({ connectionString: pg.adminUrl });
      await c.connect(); await c.query("alter role leads password 'leads-embedded'"); await c.end();
      await pg.stop();
      require('fs').rmSync(embedded.passwordFile(dir));
      return {};`);
    const r = await inNode(data, `
      const pg = await embedded.startEmbeddedPostgres(dir);
      try {
        const password = require('fs').readFileSync(embedded.passwordFile(dir), 'utf8').trim();
        // a process that finds it running (the admin command beside the server) gets in too
        const beside = await embedded.startEmbeddedPostgres(dir);
        return { password, withIt: await logsIn(pg.adminUrl, password), withOld: await logsIn(pg.adminUrl, 'leads-embedded'),
          besidePort: beside.port === pg.port, beside: await logsIn(beside.adminUrl, password) };
      } finally { await pg.stop(); }`);
    expect(r.password).not.toBe('leads-embedded');
    expect(r).toMatchObject({ withIt: true, withOld: false, besidePort: true, beside: true });
  });
});
