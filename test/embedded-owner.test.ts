import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../server/src/db/embedded';
import { post, startService, stopService, type Service } from './support/service';

/**
 * The embedded database has one owner, the service that started its PostgreSQL: a second
 * `npm start` on the same data says it is in use and exits 1, the admin command works beside
 * it, a PostgreSQL left by a killed owner is stopped and started afresh (never adopted), and
 * stale pid files never block a start.
 */
const ADMIN = path.resolve(__dirname, '../server/dist/admin.js');

let dataDir: string;
const running: Service[] = [];
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-owner-'));
  fs.chmodSync(dataDir, 0o755); // under root, PostgreSQL runs as an unprivileged user that must reach it
});
afterAll(async () => {
  await Promise.all(running.map(stopService));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const start = async (opts: { detached?: boolean } = {}) => {
  const s = await startService(null, { DATA_DIR: dataDir }, opts);
  running.push(s);
  return s;
};
const keyOf = (s: Service) => /(lds_\S+)/.exec(s.output())![1];
const clusterOf = (s: Service) => /data in (\S+)/.exec(s.output())![1];
const postmasterPid = (cluster: string) => {
  try { return Number(fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { return null; }
};
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const exitOf = (args: string[], env: Record<string, string>) => {
  const { DATABASE_URL: _omit, ...base } = process.env;
  const r = spawnSync(process.execPath, args, { env: { ...base, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};

test('one owner: a second start is refused naming the pid, the admin command works beside it, a killed owner\'s PostgreSQL is replaced', async () => {
  const first = await start();
  const key = keyOf(first);
  const cluster = clusterOf(first);

  const second = exitOf([ADMIN.replace(/admin\.js$/, 'main.js')], { DATA_DIR: dataDir, PORT: String(await freePort()) });
  expect(second.code).toBe(1);
  expect(second.output).toContain(`in use by pid ${first.child.pid}`);
  expect(second.output.trim().split('\n')).toHaveLength(1);

  const admin = exitOf([ADMIN, 'users:list'], { DATA_DIR: dataDir });
  expect(admin.code).toBe(0);
  expect(JSON.parse(admin.output).users.length).toBeGreaterThan(0);
  expect((await post(first.url, key, '{ me { role } }')).body.data).toEqual({ me: { role: 'ADMIN' } });

  // kill -9: the owner cannot stop its PostgreSQL.
  const orphan = postmasterPid(cluster)!;
  first.child.kill('SIGKILL');
  await first.exited;
  running.splice(running.indexOf(first), 1);
  expect(alive(orphan)).toBe(true);

  const third = await start();
  expect(alive(orphan)).toBe(false);
  const own = postmasterPid(cluster)!;
  expect(own).not.toBe(orphan);
  expect((await post(third.url, key, '{ me { role } }')).body.data).toEqual({ me: { role: 'ADMIN' } });
  running.splice(running.indexOf(third), 1);
  expect(await stopService(third)).toBe(0);
  expect(alive(own)).toBe(false);
  expect(postmasterPid(cluster)).toBeNull();
  expect(fs.existsSync(path.join(dataDir, 'pg.owner'))).toBe(false);
}, 180_000);

test('a stale postmaster.pid and owner file naming a live unrelated process do not block the start', async () => {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    // The cluster exists from the test before; both files name the sleeper, as after a crash
    // and a reboot that gave its pid to another program.
    const probe = await start();
    const cluster = clusterOf(probe);
    running.splice(running.indexOf(probe), 1);
    expect(await stopService(probe)).toBe(0);
    fs.writeFileSync(path.join(cluster, 'postmaster.pid'), `${sleeper.pid}\n${cluster}\n1700000000\n5432\n\nlocalhost\n  5432001  0\nready   \n`);
    fs.writeFileSync(path.join(dataDir, 'pg.owner'), JSON.stringify({ pid: sleeper.pid, startTime: '1' }));

    const s = await start();
    expect((await post(s.url, keyOf(s), '{ me { role } }')).body.data).toEqual({ me: { role: 'ADMIN' } });
    expect(alive(sleeper.pid!)).toBe(true);
  } finally {
    sleeper.kill('SIGKILL');
  }
}, 180_000);
