import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Role } from '../../server/src/common/enums';
import { ensureDatabase } from '../../server/src/db/database';
import { freePort } from '../../server/src/db/embedded';
import { initOrm } from '../../server/src/db/orm';
import { UserService } from '../../server/src/users/user.service';

export const MAIN = path.resolve(__dirname, '../../server/dist/main.js');

export interface Service { child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }

/** A database of its own, cloned from the migrated template, and users of the given roles with their keys. */
export async function serviceDatabase(label: string, roles: Role[]): Promise<{ databaseUrl: string; users: { id: string; key: string }[] }> {
  const name = `leads_${process.env.LEADS_TEST_RUN_ID}_${label}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await ensureDatabase(process.env.LEADS_TEST_ADMIN_URL!, name, process.env.LEADS_TEST_TEMPLATE);
  const orm = await initOrm({ databaseUrl });
  try {
    const users = [];
    for (const [i, role] of roles.entries()) {
      const created = await new UserService(orm.em.fork()).createUser({ name: `${label} ${i}`, email: `${label}-${i}-${name}@test.example`, role });
      users.push({ id: created.id, key: created.apiKey });
    }
    return { databaseUrl, users };
  } finally {
    await orm.close(true);
  }
}

/**
 * The compiled service in a process of its own on `databaseUrl` (or the embedded PostgreSQL), as `npm start` runs it (under
 * jest NODE_ENV is `test`, where Apollo installs no signal handler: development here).
 */
export async function startService(databaseUrl: string | null, env: Record<string, string> = {}, opts: { detached?: boolean } = {}): Promise<Service> {
  const port = await freePort();
  // null: no DATABASE_URL, the embedded PostgreSQL (in env.DATA_DIR).
  const { DATABASE_URL: _omit, ...base } = process.env;
  const child = spawn(process.execPath, [MAIN], {
    env: { ...base, NODE_ENV: 'development', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, to be signalled as a terminal's Ctrl-C signals one.
    detached: opts.detached ?? false,
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => { if (/ready at/.test(out)) { clearTimeout(timer); resolve(); } });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${out}`)); });
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, output: () => out, exited };
}

/** Stops a service (SIGTERM), or kills it when it does not stop within 15 s. */
export async function stopService(s: Service): Promise<number | null> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return s.child.exitCode;
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
  const code = await s.exited;
  clearTimeout(timer);
  return code;
}

export async function post(url: string, key: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() as { data?: any; errors?: any[] } };
}
