import { createApp, type App } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { clientNetwork } from '../server/src/http/throttle';
import { generateApiKey } from '../server/src/users/api-keys';
import { UserService } from '../server/src/users/user.service';
import { startTestServer, type TestServer } from './support/server';

const ME = '{ me { id } }';
const keyLookups = (s: TestServer) => s.sql.filter((q) => /api_key/.test(q));

test('a client address is an IPv4 address or an IPv6 /64, however it is written', () => {
  expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
  expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
  expect(clientNetwork('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
  expect(clientNetwork('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
  expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
  expect(clientNetwork(undefined)).toBe('unknown');
});

describe('requests without a valid key, per client address', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ config: { authFailuresPerMinute: 3, apiKeyCacheMs: 200 } }); });
  afterAll(async () => { await s?.stop(); });

  test('past the limit made-up keys are refused with THROTTLED and not even looked up; keys that verified before still work', async () => {
    expect((await s.gql(ME, undefined, { as: s.users.sales })).status).toBe(200);
    s.resetSql();
    const madeUp = () => s.gql(ME, undefined, { as: null, headers: { authorization: `Bearer ${generateApiKey().key}` } });
    for (let i = 0; i < 3; i++) expect((await madeUp()).status).toBe(401);
    expect(keyLookups(s)).toHaveLength(3); // each made-up key was looked up once, and not remembered
    s.resetSql();
    for (let i = 0; i < 5; i++) {
      const res = await madeUp();
      expect(res.status).toBe(429);
      expect(res.errors?.[0].extensions?.code).toBe('THROTTLED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const noKey = await s.gql(ME, undefined, { as: null });
    expect(noKey.status).toBe(429);
    expect(keyLookups(s)).toEqual([]);
    // cached, or (once the cache has forgotten it) known to have verified within the hour: looked up
    expect((await s.gql(ME, undefined, { as: s.users.sales })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await s.gql(ME, undefined, { as: s.users.sales })).status).toBe(200);
    // a key this service has not seen verify waits for the minute to end, like a made-up one
    const fresh = await s.createUser('MANAGER' as never);
    expect((await s.gql(ME, undefined, { as: fresh })).status).toBe(429);
  });
});

describe('per verified key', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ rateLimitPerMinute: 50, config: { costLimitPerMinute: 100 } }); });
  afterAll(async () => { await s?.stop(); });

  test('each answer says what is left (RateLimit, draft 7)', async () => {
    const res = await s.gql(ME, undefined, { as: s.users.manager });
    expect(res.headers.get('ratelimit')).toMatch(/^limit=50, remaining=49, reset=\d+$/);
    expect(res.headers.get('ratelimit-policy')).toBe('50;w=60');
  });

  test('an operation over what is left of the minute\'s cost budget is THROTTLED before it runs', async () => {
    const page = '{ leads(first: 20) { nodes { id topic } } }'; // costs 61
    expect((await s.gql(page, undefined, { as: s.users.sales })).errors).toBeUndefined();
    s.resetSql();
    const over = await s.gql(page, undefined, { as: s.users.sales });
    expect(over.status).toBe(429);
    expect(over.errors?.[0].extensions?.code).toBe('THROTTLED');
    expect(over.errors?.[0].message).toMatch(/budget of 100 cost points/);
    expect(over.headers.get('ratelimit')).toMatch(/^limit=100, remaining=0, reset=\d+$/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(s.sql.filter((q) => /from "lead"|from lead\b/i.test(q))).toEqual([]);
    // another key has its own budget
    expect((await s.gql(page, undefined, { as: s.users.sales2 })).errors).toBeUndefined();
  });

  test('the counters are kept in PostgreSQL, so that every replica counts together', async () => {
    // A second replica on the same database.
    const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), port: 0, host: '127.0.0.1', rateLimitPerMinute: 50, costLimitPerMinute: 0, authFailuresPerMinute: 0 };
    const second: App = await createApp({ config, databaseUrl: s.app.orm.config.get('clientUrl') as string });
    try {
      const url = `${await second.listen()}/graphql`;
      const call = (u: string) => fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.partner.key}` }, body: JSON.stringify({ query: ME }) });
      await call(s.url);
      const res = await call(url);
      expect(res.headers.get('ratelimit')).toMatch(/remaining=48,/);
      const rows = await s.db.query(`select count(*)::int as n from rate_limit where key like 'requests:%'`);
      expect(rows.rows[0].n).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  });
});

describe('the API-key cache', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ config: { apiKeyCacheMs: 500 } }); });
  afterAll(async () => { await s?.stop(); });

  test('a hot key is looked up once per period', async () => {
    const u = await s.createUser('MANAGER' as never);
    s.resetSql();
    for (let i = 0; i < 5; i++) expect((await s.gql(ME, undefined, { as: u })).data.me.id).toBe(u.id);
    expect(keyLookups(s)).toHaveLength(1);
  });

  test('a key revoked behind the service\'s back stops working within the period', async () => {
    const u = await s.createUser('MANAGER' as never);
    expect((await s.gql(ME, undefined, { as: u })).status).toBe(200);
    await s.db.query('update api_key set revoked_at = now() where user_id = $1', [u.id]); // no notification
    const revokedAt = Date.now();
    let last = 200;
    while (last === 200 && Date.now() - revokedAt < 3000) {
      last = (await s.gql(ME, undefined, { as: u })).status;
      if (last === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(last).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(500 + 200);
  });

  test('a key revoked with the admin command stops working at once (PostgreSQL NOTIFY)', async () => {
    const u = await s.createUser('MANAGER' as never);
    expect((await s.gql(ME, undefined, { as: u })).status).toBe(200);
    await new UserService(s.app.orm.em.fork()).revokeKey(u.key.split('_').slice(0, 2).join('_'));
    await new Promise((r) => setTimeout(r, 50)); // the notification's way back
    expect((await s.gql(ME, undefined, { as: u })).status).toBe(401);
  });

  test('unknown keys are not remembered: each try is a lookup (and counts against the address)', async () => {
    const key = generateApiKey().key;
    s.resetSql();
    for (let i = 0; i < 3; i++) expect((await s.gql(ME, undefined, { as: null, headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect(keyLookups(s)).toHaveLength(3);
  });
});
