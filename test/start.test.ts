import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../server/src/config';
import { ensureDatabase } from '../server/src/db/database';
import { freePort } from '../server/src/db/embedded';

const MAIN = path.resolve(__dirname, '../server/dist/main.js');

interface Started { child: ChildProcess; output: () => string; url: string }

/** Runs the service as `npm start` does (the compiled main) and waits for its banner. */
async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const { DATABASE_URL: _omit, ...base } = process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...base, PORT: String(port), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
    const check = () => { if (/ready at/.test(out)) { clearTimeout(timer); resolve(); } };
    child.stdout!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${out}`)); });
  });
  return { child, output: () => out, url: `http://127.0.0.1:${port}/graphql` };
}

async function stop(p: Started): Promise<number | null> {
  if (p.child.exitCode !== null) return p.child.exitCode;
  const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
  p.child.kill('SIGTERM');
  return exited;
}

async function gql(url: string, key: string, query: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return res.json();
}

describe('npm start', () => {
  const running: Started[] = [];
  afterEach(async () => { await Promise.all(running.splice(0).map(stop)); });

  test('with no DATABASE_URL it runs an embedded PostgreSQL, prints Sandbox and a key, and keeps data across restarts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-start-'));
    fs.chmodSync(dataDir, 0o755);
    try {
      const first = await start({ DATA_DIR: dataDir });
      running.push(first);
      const key = /(lds_\S+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      expect(first.output()).toContain(first.url);
      expect(first.output()).toMatch(/Sandbox/);
      expect(fs.readFileSync(path.join(dataDir, 'admin-api-key.txt'), 'utf8').trim()).toBe(key);

      const sandbox = await (await fetch(first.url, { headers: { accept: 'text/html' } })).text();
      expect(sandbox).toContain(`Bearer ${key}`); // Sandbox opens ready to query the local service
      const demo = await gql(first.url, key!, '{ me { role } leads { totalCount } }');
      expect(demo.data).toEqual({ me: { role: 'ADMIN' }, leads: { totalCount: expect.any(Number) } });
      expect(demo.data.leads.totalCount).toBeGreaterThan(0);
      const made = await gql(first.url, key!, 'mutation { createLead(input: { topic: "Survives restarts", lastName: "Kept" }) { lead { id } } }');
      const id = made.data.createLead.lead.id;
      expect(await stop(running.pop()!)).toBe(0);

      const second = await start({ DATA_DIR: dataDir });
      running.push(second);
      expect(second.output()).toContain(key);
      const again = await gql(second.url, key!, `{ lead(id: "${id}") { topic } leads { totalCount } }`);
      expect(again.data).toEqual({ lead: { topic: 'Survives restarts' }, leads: { totalCount: demo.data.leads.totalCount + 1 } });
      expect(await stop(running.pop()!)).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('with DATABASE_URL it uses that server, migrates it, and seeds nothing', async () => {
    const name = `leads_${process.env.LEADS_TEST_RUN_ID}_start_${randomBytes(3).toString('hex')}`;
    const url = await ensureDatabase(process.env.LEADS_TEST_ADMIN_URL!, name);
    const p = await start({ DATABASE_URL: url });
    running.push(p);
    expect(p.output()).not.toMatch(/lds_/);
    const base = p.url.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ok' });
    const res = await fetch(p.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' });
    expect(res.status).toBe(401);
  });

  test('a bad configuration stops it with a message naming the variable', async () => {
    await expect(start({ PORT: 'eighty' })).rejects.toThrow(/PORT/);
    await expect(start({ DATABASE_URL: 'mysql://x@y/z' })).rejects.toThrow(/DATABASE_URL/);
    await expect(start({ LOG_LEVEL: 'loud' })).rejects.toThrow(/LOG_LEVEL/);
  });
});

describe('loadConfig', () => {
  test('defaults for development, and introspection off in production unless asked for', () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, host: '127.0.0.1', nodeEnv: 'development', introspection: true, databaseUrl: undefined });
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
  });

  test.each([['PORT', '70000'], ['NODE_ENV', 'staging'], ['RATE_LIMIT_PER_MINUTE', '-1'], ['DB_POOL_MAX', '0'], ['INTROSPECTION', 'maybe']])(
    '%s=%s is refused by name', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    });
});
