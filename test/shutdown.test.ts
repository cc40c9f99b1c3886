import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { Role } from '../server/src/common/enums';
import { ensureDatabase } from '../server/src/db/database';
import { freePort } from '../server/src/db/embedded';
import { initOrm } from '../server/src/db/orm';
import { UserService } from '../server/src/users/user.service';

const MAIN = path.resolve(__dirname, '../server/dist/main.js');

/**
 * SIGTERM (and SIGINT) stop the real service gracefully: no new connections, requests in flight
 * finish, the ORM closes, exit code 0 — within seconds. Before, Apollo's own SIGTERM handler and
 * main.ts both called stop(); the second never returned and the process ended only at the 10 s
 * fallback.
 */

const QUALIFY = `mutation Q($input: QualifyLeadsInput!) { qualifyLeads(input: $input) { qualifiedCount failedCount } }`;

async function arrange(): Promise<{ databaseUrl: string; key: string; batches: string[][] }> {
  const name = `leads_${process.env.LEADS_TEST_RUN_ID}_stop_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await ensureDatabase(process.env.LEADS_TEST_ADMIN_URL!, name, process.env.LEADS_TEST_TEMPLATE);
  const orm = await initOrm({ databaseUrl });
  let key: string;
  let ownerId: string;
  try {
    const created = await new UserService(orm.em.fork()).createUser({ name: 'Stopper', email: `stop-${name}@test.example`, role: Role.ADMIN });
    key = created.apiKey;
    ownerId = created.id;
  } finally {
    await orm.close(true);
  }
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(`insert into lead (id, topic, last_name, company_name, owner_id, created_by_id, created_at, updated_at)
      select gen_random_uuid(), 'Lead ' || i, 'Last' || i, 'Company ' || i, $1, $1, now(), now() from generate_series(1, 1200) i returning id`, [ownerId]);
    const ids = rows.map((r) => r.id);
    return { databaseUrl, key, batches: [0, 1, 2, 3].map((b) => ids.slice(b * 300, (b + 1) * 300)) };
  } finally {
    await db.end();
  }
}

async function startService(databaseUrl: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    // As npm start runs it (under jest NODE_ENV is test, where Apollo installs no signal handler of its own).
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => { if (/ready at/.test(out)) { clearTimeout(timer); resolve(); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${out}`)); });
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, output: () => out };
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  test('lets four bulk qualifies in flight finish, then exits 0 within seconds', async () => {
    const { databaseUrl, key, batches } = await arrange();
    const service = await startService(databaseUrl);
    const exited = new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code)));
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
      await new Promise((r) => setTimeout(r, 100));
      signalledAt = Date.now();
      service.child.kill(signal);

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
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    }
  }, 60_000);
});
