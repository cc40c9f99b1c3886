import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Role } from '../server/src/common/enums';
import { post, serviceDatabase, startService } from './support/service';

/**
 * SIGTERM (and SIGINT) stop the real service gracefully: no new connections, requests in flight
 * finish, the ORM closes, exit code 0 — within seconds. Apollo's own signal handler (installed
 * outside NODE_ENV=test, so the service runs here as in development) is off: main.ts alone stops
 * the service, in order.
 */

const QUALIFY = `mutation Q($input: QualifyLeadsInput!) { qualifyLeads(input: $input) { qualifiedCount failedCount } }`;

async function arrange(): Promise<{ databaseUrl: string; key: string; batches: string[][] }> {
  const { databaseUrl, users: [owner] } = await serviceDatabase('stop', [Role.ADMIN]);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(`insert into lead (id, topic, last_name, company_name, owner_id, created_by_id, created_at, updated_at)
      select gen_random_uuid(), 'Lead ' || i, 'Last' || i, 'Company ' || i, $1, $1, now(), now() from generate_series(1, 1200) i returning id`, [owner.id]);
    const ids = rows.map((r) => r.id);
    return { databaseUrl, key: owner.key, batches: [0, 1, 2, 3].map((b) => ids.slice(b * 300, (b + 1) * 300)) };
  } finally {
    await db.end();
  }
}

/** Waits until `n` other sessions of the database wait for a lock (within 20 s). */
async function waitForLockWaiters(db: Client, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    // `db` is inside a transaction, which would otherwise see one snapshot of the statistics.
    await db.query('select pg_stat_clear_snapshot()');
    const { rows } = await db.query(`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'`);
    if (rows[0].n >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${n} requests reached the database`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  test('lets four bulk qualifies in flight finish, then exits 0 within seconds', async () => {
    const { databaseUrl, key, batches } = await arrange();
    const service = await startService(databaseUrl, { RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0' });
    const exited = service.exited;
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select id from lead for update');
    try {
      let signalledAt = 0;
      const finishedAt: number[] = [];
      const requests = batches.map(async (leadIds) => {
        const res = await fetch(service.url, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: QUALIFY, variables: { input: { leadIds, currencyCode: 'USD' } } }),
        });
        const body = await res.json() as { data?: { qualifyLeads: { qualifiedCount: number } }; errors?: unknown };
        finishedAt.push(Date.now());
        return { status: res.status, body };
      });
      // In flight, provably: the four wait on the leads' row locks that `blocker` holds until
      // the signal is sent (a fixed delay was a race on a busy machine: a request not yet read
      // by the server is not in flight, and a closing server drops its idle connection).
      await waitForLockWaiters(blocker, 4);
      signalledAt = Date.now();
      service.child.kill(signal);
      await blocker.query('commit');

      const answers = await Promise.all(requests);
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect({ errors: a.body.errors, output: a.body.errors ? service.output() : "" }).toEqual({ errors: undefined, output: "" });
        expect(a.body.data?.qualifyLeads.qualifiedCount).toBe(300);
      }
      // They were in flight: at least one finished after the signal.
      expect(Math.max(...finishedAt)).toBeGreaterThan(signalledAt);
      const code = await exited;
      expect({ code, output: service.output() }).toEqual({ code: 0, output: expect.any(String) });
      expect(Date.now() - signalledAt).toBeLessThan(5000);

      // Everything committed: 1200 leads qualified.
      const db = new Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query("select count(*)::int n from lead where state = 'QUALIFIED'");
        expect(rows[0].n).toBe(1200);
      } finally {
        await db.end();
      }
    } finally {
      await blocker.end();
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    }
  }, 60_000);
});

test('on the embedded database, Ctrl-C (SIGINT to the whole process group) lets bulk qualifies in flight finish, then stops PostgreSQL and exits 0', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-stop-'));
  fs.chmodSync(dataDir, 0o755); // under root, PostgreSQL runs as an unprivileged user that must reach it
  const service = await startService(null, { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0' }, { detached: true });
  try {
    const key = /(lds_\S+)/.exec(service.output())![1];
    const cluster = /data in (\S+)/.exec(service.output())![1];
    const [pid, , , port] = fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n');
    const password = fs.readFileSync(path.join(dataDir, 'pg.password'), 'utf8').trim();
    const db = new Client({ connectionString: `postgres://leads:${encodeURIComponent(password)}@127.0.0.1:${port}/leads` });
    await db.connect();
    let batches: string[][];
    try {
      const { rows } = await db.query<{ id: string }>(`insert into lead (id, topic, last_name, company_name, owner_id, created_by_id, created_at, updated_at)
        select gen_random_uuid(), 'Lead ' || i, 'Last' || i, 'Company ' || i, u.id, u.id, now(), now()
        from generate_series(1, 1200) i, (select id from app_user where role = 'ADMIN' limit 1) u returning id`);
      batches = [0, 1, 2, 3].map((b) => rows.slice(b * 300, (b + 1) * 300).map((r) => r.id));
    } finally {
      await db.end();
    }
    const requests = batches.map((leadIds) => post(service.url, key, QUALIFY, { input: { leadIds, currencyCode: 'USD' } }));
    await new Promise((r) => setTimeout(r, 100));
    const signalledAt = Date.now();
    process.kill(-service.child.pid!, 'SIGINT'); // what a terminal does on Ctrl-C
    const answers = await Promise.all(requests);
    expect(answers.map((a) => [a.status, a.body.errors, a.body.data?.qualifyLeads.qualifiedCount])).toEqual(Array(4).fill([200, undefined, 300]));
    expect(await service.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(fs.existsSync(path.join(cluster, 'postmaster.pid'))).toBe(false);
    let gone = false;
    try { process.kill(Number(pid), 0); } catch { gone = true; }
    expect(gone).toBe(true);
  } finally {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

test('a request still running when SHUTDOWN_TIMEOUT_MS is over does not make a clean exit: the process ends with code 1', async () => {
  const { databaseUrl, key, batches } = await arrange();
  const service = await startService(databaseUrl, { RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0', SHUTDOWN_TIMEOUT_MS: '300' });
  const blocker = new Client({ connectionString: databaseUrl });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('select id from lead for update');
  try {
    const request = post(service.url, key, QUALIFY, { input: { leadIds: batches[0], currencyCode: 'USD' } }).catch((err: Error) => err);
    await waitForLockWaiters(blocker, 1);
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    // The blocker outlives the grace period and the 5 s after it.
    const code = await service.exited;
    expect({ code, output: service.output() }).toEqual({ code: 1, output: expect.stringContaining('did not finish in time') });
    expect(Date.now() - signalledAt).toBeLessThan(12_000);
    await request;
  } finally {
    await blocker.query('rollback').catch(() => undefined);
    await blocker.end();
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  }
}, 60_000);
