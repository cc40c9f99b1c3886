import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DB_TIMEOUTS } from '../server/src/config';
import { startTestServer, type TestServer } from './support/server';

/**
 * A database that cannot serve is the service's fault, not the client's: every route answers
 * 503 SERVICE_UNAVAILABLE with Retry-After (GraphQL included, as a whole response), and the
 * service recovers by itself once the database is back.
 */

const admin = () => new Client({ connectionString: process.env.LEADS_TEST_ADMIN_URL });
const dbName = (s: TestServer) => new URL(s.url).pathname && (s.db as unknown as { database: string }).database;
const base = (s: TestServer) => s.url.replace(/\/graphql$/, '');

async function expectUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  const body = await res.json() as { errors?: { extensions: { code: string } }[]; status?: string };
  if (body.errors) {
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
  } else {
    expect(body.status).toBe('unavailable');
  }
}

describe('an unreachable database', () => {
  let s: TestServer;
  let pg: Client;
  beforeAll(async () => {
    s = await startTestServer();
    s.db.on('error', () => undefined); // its connection is terminated below
    pg = admin();
    await pg.connect();
  });
  afterAll(async () => {
    await pg.query(`alter database "${dbName(s)}" allow_connections true`).catch(() => undefined);
    await pg.end();
    await s.stop().catch(() => undefined);
  });

  test('is 503 with Retry-After on /graphql, /attachments/:id and /readyz, and the service recovers', async () => {
    // The driver's complaints go to the JSON log, never to the console as plain text.
    const consoleLog = jest.spyOn(console, 'log');
    const name = dbName(s);
    const gql = (key: string) => fetch(s.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ leads(first: 1) { totalCount } }' }),
    });
    expect((await gql(s.users.admin.key)).status).toBe(200); // the admin's key is now cached

    await pg.query(`alter database "${name}" allow_connections false`);
    await pg.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);

    // A cached key: the resolver meets the fault; the whole response is the 503.
    await expectUnavailable(await gql(s.users.admin.key));
    // A key to look up: authentication meets it first.
    await expectUnavailable(await gql(s.users.manager.key));
    // A mutation (with a body to parse) is no "invalid JSON".
    await expectUnavailable(await fetch(s.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.admin.key}` },
      body: JSON.stringify({ query: 'mutation { createLead(input: { topic: "T", lastName: "L" }) { lead { id } } }' }),
    }));
    // With an Idempotency-Key: claiming the key meets the fault before the mutation runs.
    await expectUnavailable(await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.admin.key}`, 'idempotency-key': 'outage-key' },
      body: JSON.stringify({ query: 'mutation { createLead(input: { topic: "T", lastName: "L" }) { lead { id } } }' }),
    }));
    await expectUnavailable(await fetch(`${base(s)}/attachments/${randomUUID()}`, { headers: { authorization: `Bearer ${s.users.admin.key}` } }));
    await expectUnavailable(await fetch(`${base(s)}/metrics`, { headers: { authorization: `Bearer ${s.users.sales.key}` } }));
    await expectUnavailable(await fetch(`${base(s)}/readyz`));
    expect((await fetch(`${base(s)}/healthz`)).status).toBe(200);

    await pg.query(`alter database "${name}" allow_connections true`);
    expect((await fetch(`${base(s)}/readyz`)).status).toBe(200);
    const back = await gql(s.users.admin.key);
    expect(back.status).toBe(200);
    expect(((await back.json()) as { data: { leads: { totalCount: number } } }).data.leads.totalCount).toBeGreaterThanOrEqual(0);
    expect(consoleLog).not.toHaveBeenCalled();
    consoleLog.mockRestore();
  });
});

describe('bounded waits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      config: { dbPoolMax: 1, db: { ...DEFAULT_DB_TIMEOUTS, acquireTimeoutMs: 500, lockTimeoutMs: 1500 } },
    });
  });
  afterAll(async () => { await s?.stop(); });

  test('every connection carries the configured statement, lock and idle-in-transaction timeouts', async () => {
    const rows = await s.app.orm.em.fork().execute<{ s: string; l: string; i: string }[]>(
      "select current_setting('statement_timeout') s, current_setting('lock_timeout') l, current_setting('idle_in_transaction_session_timeout') i");
    expect(rows[0]).toEqual({ s: '30s', l: '1500ms', i: '1min' });
  });

  test('a row lock held elsewhere is 503 after lock_timeout, and a request finding the pool held by it is 503 after the acquire timeout', async () => {
    const created = await s.gql('mutation { createLead(input: { topic: "Locked", lastName: "L" }) { lead { id version } } }');
    const lead = created.data.createLead.lead;
    const [row] = (await s.db.query('select id from lead where topic = $1', ['Locked'])).rows;
    expect(row).toBeDefined();
    await s.db.query('begin');
    await s.db.query('select id from lead where id = $1 for update', [row.id]);
    try {
      const started = Date.now();
      const update = s.gql('mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { id } } }',
        { input: { id: lead.id, expectedVersion: lead.version, topic: 'Changed' } });
      await new Promise((r) => setTimeout(r, 200));
      // The one connection waits on the lock: another request waits at most the acquire timeout.
      const other = await fetch(`${base(s)}/readyz`);
      expect(other.status).toBe(503);
      expect(other.headers.get('retry-after')).toMatch(/^\d+$/);
      const blocked = await update;
      expect(blocked.status).toBe(503);
      expect(blocked.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })]);
      expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await s.db.query('rollback');
    }
    expect((await fetch(`${base(s)}/readyz`)).status).toBe(200);
  });
});
