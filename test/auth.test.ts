import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateApiKey } from '../server/src/users/api-keys';
import { UserService } from '../server/src/users/user.service';
import { startTestServer, type TestServer } from './support/server';

const run = promisify(execFile);
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const ME = '{ me { id } }';

async function expectUnauthenticated(headers: Record<string, string>) {
  const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: ME }) });
  const body = await res.json();
  expect(res.status).toBe(401);
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  return body.errors[0].message as string;
}

describe('API keys', () => {
  test('missing, malformed, unknown and revoked keys all get the same UNAUTHENTICATED', async () => {
    const revoked = await s.createUser('MANAGER' as never, 'revoked-user');
    await new UserService(s.app.orm.em.fork()).revokeKey(revoked.key.split('_').slice(0, 2).join('_'));
    const messages = [
      await expectUnauthenticated({}),
      await expectUnauthenticated({ authorization: 'Basic abc' }),
      await expectUnauthenticated({ authorization: 'Bearer' }),
      await expectUnauthenticated({ authorization: 'Bearer not-a-key' }),
      await expectUnauthenticated({ authorization: `Bearer ${generateApiKey().key}` }),
      await expectUnauthenticated({ authorization: `Bearer ${revoked.key}` }),
      await expectUnauthenticated({ authorization: `Bearer ${s.users.admin.key}x` }),
    ];
    expect(new Set(messages).size).toBe(1);
  });

  test('without a key even a broken or oversized body is UNAUTHENTICATED: the body is not read', async () => {
    for (const body of ['{"query": ', JSON.stringify({ query: '{ me { id } }', pad: 'x'.repeat(5 * 1024 * 1024) })]) {
      const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(401);
      expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  test('a valid key is accepted with any capitalisation of Bearer', async () => {
    const res = await s.gql(ME, undefined, { as: null, headers: { authorization: `bearer ${s.users.sales.key}` } });
    expect(res.data.me.id).toBe(s.users.sales.id);
  });

  test('keys are random, prefixed, and stored only as a SHA-256 hash', async () => {
    const k = generateApiKey();
    expect(k.key).toMatch(/^lds_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey().key).not.toBe(k.key);
    const rows = await s.db.query('select prefix, hash from api_key where user_id = $1', [s.users.admin.id]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.users.admin.key.startsWith(`${rows.rows[0].prefix}_`)).toBe(true);
    const all = await s.db.query(`select * from api_key`);
    expect(JSON.stringify(all.rows)).not.toContain(s.users.admin.key);
  });

  test('health endpoints and the Sandbox landing page need no key', async () => {
    const base = s.url.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ok' });
    const page = await fetch(s.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/sandbox|apollo/i);
    expect(html).toMatch(/Bearer (<|\\u003c)your API key/); // a hint, never a real key outside local development
    expect(html).not.toMatch(/lds_/);
    const getQuery = await fetch(`${s.url}?query=${encodeURIComponent(ME)}`, { headers: { accept: 'text/html', 'apollo-require-preflight': '1' } });
    expect(getQuery.status).toBe(401);
  });
});

describe('roles', () => {
  const forbiddenForPartner = [
    'mutation { updateLead(input: { id: "x" }) { userErrors { code } } }',
    'mutation { assignLeads(input: { leadIds: [], ownerId: "x" }) { userErrors { code } } }',
    'mutation { createContact(input: { lastName: "X" }) { userErrors { code } } }',
  ];
  test.each(forbiddenForPartner)('a PARTNER may not run %s (FORBIDDEN, nothing runs)', async (query) => {
    const res = await s.gql(query, undefined, { as: s.users.partner });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(Object.values(res.data ?? {}).every((v) => v === null)).toBe(true);
  });

  test('to a PARTNER, contacts, accounts and opportunities look as if there were none', async () => {
    const acc = await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), 'Seen by staff', 'seenbystaff', now()) returning id`);
    const con = await s.gql('mutation { createContact(input: { lastName: "Staff" }) { contact { id } } }');
    const q = `query($a: ID!, $c: ID!) { account(id: $a) { id } contact(id: $c) { id } opportunity(id: $a) { id }
      accounts { totalCount nodes { id } } contacts { totalCount nodes { id } } opportunities { totalCount nodes { id } } }`;
    const vars = { a: acc.rows[0].id, c: con.data.createContact.contact.id };
    const staff = await s.gql(q, vars, { as: s.users.sales });
    expect(staff.data.account).toEqual({ id: acc.rows[0].id });
    expect(staff.data.accounts.totalCount).toBeGreaterThan(0);
    const partner = await s.gql(q, vars, { as: s.users.partner });
    expect(partner.errors).toBeUndefined();
    expect(partner.data).toEqual({ account: null, contact: null, opportunity: null,
      accounts: { totalCount: 0, nodes: [] }, contacts: { totalCount: 0, nodes: [] }, opportunities: { totalCount: 0, nodes: [] } });
    expect((await s.gql('{ contacts(first: 101) { totalCount } }', undefined, { as: s.users.partner })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('a PARTNER reads currencies and its own leads, but no related records', async () => {
    const acc = await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), 'Hidden', 'hidden', now()) returning id`);
    const lead = await s.gql(`mutation { createLead(input: { topic: "P", lastName: "P" }) { lead { id } } }`, undefined, { as: s.users.partner });
    await s.db.query('update lead set existing_account_id = $1 where id = $2', [acc.rows[0].id, lead.data.createLead.lead.id]);
    const res = await s.gql(`{ currencies { code } lead(id: "${lead.data.createLead.lead.id}") { id existingAccount { id } owner { id } } }`, undefined, { as: s.users.partner });
    expect(res.errors).toBeUndefined();
    expect(res.data.currencies.length).toBeGreaterThan(0);
    expect(res.data.lead).toEqual({ id: lead.data.createLead.lead.id, existingAccount: null, owner: { id: s.users.partner.id } });
  });

  test('every role can ask who it is', async () => {
    for (const u of Object.values(s.users)) {
      const res = await s.gql('{ me { id role } }', undefined, { as: u });
      expect(res.data.me).toEqual({ id: u.id, role: u.role });
    }
  });
});

describe('admin command line', () => {
  const admin = path.resolve(__dirname, '../server/dist/admin.js');
  const env = () => ({ ...process.env, DATABASE_URL: s.app.orm.config.get('clientUrl') as string });

  test('user:create, key:create and key:revoke print JSON and take effect', async () => {
    const created = JSON.parse((await run('node', [admin, 'user:create', '--name', 'Cli User', '--email', 'cli@test.example', '--role', 'MANAGER'], { env: env() })).stdout);
    expect(created).toEqual({ userId: expect.any(String), keyId: expect.any(String), apiKey: expect.stringMatching(/^lds_/), keyPrefix: expect.stringMatching(/^lds_/) });
    expect(created.keyId).not.toBe(created.userId);
    expect(created.apiKey.startsWith(`${created.keyPrefix}_`)).toBe(true);
    const asCli = { id: created.userId, key: created.apiKey, role: 'MANAGER' as never };
    expect((await s.gql('{ me { id name role } }', undefined, { as: asCli })).data.me).toEqual({ id: created.userId, name: 'Cli User', role: 'MANAGER' });
    expect((await s.db.query('select user_id, prefix from api_key where id = $1', [created.keyId])).rows).toEqual([{ user_id: created.userId, prefix: created.keyPrefix }]);

    const second = JSON.parse((await run('node', [admin, 'key:create', '--email', 'CLI@test.example'], { env: env() })).stdout);
    expect(second.userId).toBe(created.userId);
    expect(second.keyId).not.toBe(created.keyId);
    expect(second.apiKey).not.toBe(created.apiKey);

    const revoked = JSON.parse((await run('node', [admin, 'key:revoke', '--prefix', created.keyPrefix], { env: env() })).stdout);
    expect(revoked).toEqual({ keyId: created.keyId, keyPrefix: created.keyPrefix, userId: created.userId, revokedAt: expect.any(String) });
    expect((await s.gql(ME, undefined, { as: asCli })).status).toBe(401);
    expect((await s.gql(ME, undefined, { as: { ...asCli, key: second.apiKey } })).data.me.id).toBe(created.userId);

    // users:list and keys:list: prefixes, never secrets; revoked keys only with --all.
    const listed = JSON.parse((await run('node', [admin, 'users:list', '--role', 'manager'], { env: env() })).stdout);
    expect(listed.users).toContainEqual({ userId: created.userId, name: 'Cli User', email: 'cli@test.example', role: 'MANAGER', createdAt: expect.any(String), liveKeys: 1 });
    expect(listed.users.every((u: { role: string }) => u.role === 'MANAGER')).toBe(true);
    const live = (await run('node', [admin, 'keys:list', '--email', 'cli@test.example'], { env: env() })).stdout;
    expect(JSON.parse(live).keys).toEqual([{ keyId: second.keyId, keyPrefix: second.keyPrefix, userId: created.userId, email: 'cli@test.example', createdAt: expect.any(String), revokedAt: null }]);
    const all = (await run('node', [admin, 'keys:list', '--email', 'cli@test.example', '--all'], { env: env() })).stdout;
    expect(JSON.parse(all).keys.map((k: { keyId: string }) => k.keyId)).toEqual([created.keyId, second.keyId]);
    const everyone = (await run('node', [admin, 'keys:list', '--all'], { env: env() })).stdout;
    for (const text of [live, all, everyone]) {
      expect(text).not.toContain(created.apiKey);
      expect(text).not.toContain(second.apiKey);
      expect(text).not.toMatch(/lds_\w{10}_/); // a prefix and nothing after it
    }
  });

  test('--help describes the program and each command, and exits 0', async () => {
    const top = await run('node', [admin, '--help'], { env: env() });
    for (const c of ['user:create', 'key:create', 'key:revoke', 'users:list', 'keys:list']) expect(top.stdout).toContain(c);
    const one = await run('node', [admin, 'user:create', '--help'], { env: env() });
    expect(one.stdout).toMatch(/--name <name>[\s\S]*--email <email>[\s\S]*--role <role>/);
    expect(one.stdout).toMatch(/userId.*keyId.*apiKey.*keyPrefix/);
  });

  test('bad arguments fail with a clear message and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['user:create', '--name', 'X', '--email', 'x@test.example', '--role', 'KING'], /--role must be one of/],
      [['user:create', '--name', 'X', '--email', 'nope', '--role', 'ADMIN'], /not an email/],
      [['user:create', '--name', 'X', '--email', 'cli@test.example', '--role', 'ADMIN'], /already exists/],
      [['user:create', '--email', 'y@test.example', '--role', 'ADMIN'], /^error: missing required option --name\n/],
      [['user:create', '--name', 'X'], /^error: missing required options --email, --role\n/],
      [['key:revoke'], /^error: missing required option --prefix\n/],
      [['user:create', '--nmae', 'X'], /unknown option '--nmae'/],
      [['users:list', '--role', 'KING'], /--role must be one of/],
      [['key:create', '--email', 'nobody@test.example'], /no user/],
      [['key:revoke', '--prefix', 'lds_nothing'], /no API key/],
      [['frobnicate'], /^error: unknown command 'frobnicate'; the commands are user:create, key:create, key:revoke, users:list, keys:list, form:create, form:revoke, forms:list, leads:import\n/],
      [['user:creat'], /did you mean user:create\?/],
    ];
    for (const [args, message] of cases) {
      await expect(run('node', [admin, ...args], { env: env() })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
    }
  });
});
