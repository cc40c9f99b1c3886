import { claimKey, completeKey } from '../server/src/idempotency/idempotency.store';
import { startTestServer, type TestServer, type TestUser } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id topic version } userErrors { code message field } } }`;
const QUALIFY = `mutation($input: QualifyLeadsInput!) { q: qualifyLeads(input: $input) { __typename qualifiedCount failedCount
  results { leadId } errs: userErrors { ... on UserError { code field } } } }`;

const withKey = (query: string, variables: Record<string, unknown>, key: string, as: TestUser = s.users.sales) =>
  s.gql(query, variables, { as, headers: { 'idempotency-key': key } });
const leadCount = async (topic: string) => Number((await s.db.query('select count(*) from lead where topic = $1', [topic])).rows[0].count);

test('a retried mutation with the same key runs once and gets the first response again', async () => {
  const input = { topic: 'Idempotent once', lastName: 'K' };
  const first = await withKey(CREATE, { input }, 'key-1');
  const again = await withKey(CREATE, { input }, 'key-1');
  expect(first.data.createLead.lead.id).toEqual(expect.any(String));
  expect(again.data).toEqual(first.data);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  expect(await leadCount('Idempotent once')).toBe(1);
});

test('racing retries with one key run the mutation once and all get its response', async () => {
  const input = { topic: 'Idempotent race', lastName: 'K' };
  const all = await Promise.all(Array.from({ length: 10 }, () => withKey(CREATE, { input }, 'race-key')));
  const ids = new Set(all.map((r) => r.data.createLead.lead.id));
  expect(ids.size).toBe(1);
  expect(await leadCount('Idempotent race')).toBe(1);
});

test('the same key with a different request is IDEMPOTENCY_KEY_REUSED in the payload, shaped like any payload, and writes nothing', async () => {
  await withKey(CREATE, { input: { topic: 'Reuse A', lastName: 'K' } }, 'reuse-key');
  const res = await withKey(CREATE, { input: { topic: 'Reuse B', lastName: 'K' } }, 'reuse-key');
  expect(res.errors).toBeUndefined();
  expect(res.data.createLead).toEqual({ lead: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String), field: ['Idempotency-Key'] }] });
  expect(await leadCount('Reuse B')).toBe(0);
  const q = await withKey(QUALIFY, { input: { leadIds: ['00000000-0000-4000-8000-000000000000'], currencyCode: 'USD' } }, 'reuse-key');
  expect(q.data).toEqual({ q: { __typename: 'QualifyLeadsPayload', qualifiedCount: 0, failedCount: 0, results: [],
    errs: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['Idempotency-Key'] }] } });
});

test('keys belong to their caller; queries ignore them; a key without a mutation is not used up', async () => {
  const input = { topic: 'Per caller', lastName: 'K' };
  const a = await withKey(CREATE, { input }, 'shared-key', s.users.sales);
  const b = await withKey(CREATE, { input }, 'shared-key', s.users.manager);
  expect(a.data.createLead.lead.id).not.toBe(b.data.createLead.lead.id);
  const q = await withKey('{ me { id } }', {}, 'query-key');
  expect(q.data.me.id).toBe(s.users.sales.id);
  const m = await withKey(CREATE, { input: { topic: 'After a query', lastName: 'K' } }, 'query-key');
  expect(m.data.createLead.userErrors).toEqual([]);
});

test('userErrors are an answer and are replayed; a fault is not kept, so the retry runs', async () => {
  const bad = { topic: '', lastName: 'K' };
  const first = await withKey(CREATE, { input: bad }, 'invalid-key');
  const again = await withKey(CREATE, { input: bad }, 'invalid-key');
  expect(first.data.createLead.userErrors[0].code).toBe('VALIDATION');
  expect(again.headers.get('idempotent-replayed')).toBe('true');

  await s.db.query('alter table audit_entry rename to audit_entry_gone');
  let failed;
  try {
    failed = await withKey(CREATE, { input: { topic: 'After a fault', lastName: 'K' } }, 'fault-key');
  } finally {
    await s.db.query('alter table audit_entry_gone rename to audit_entry');
  }
  expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  const retried = await withKey(CREATE, { input: { topic: 'After a fault', lastName: 'K' } }, 'fault-key');
  expect(retried.data.createLead.lead.topic).toBe('After a fault');
  expect(retried.headers.get('idempotent-replayed')).toBeNull();
  expect(await leadCount('After a fault')).toBe(1);
});

test('a malformed key is BAD_USER_INPUT', async () => {
  const res = await withKey(CREATE, { input: { topic: 'x', lastName: 'K' } }, 'x'.repeat(256));
  expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(await leadCount('x')).toBe(0);
});

test('a claim waits for a first request still running, and gives up as busy after its limit', async () => {
  const em = s.app.orm.em.fork();
  await s.db.query(`insert into idempotency_key (user_id, key, request_hash) values ($1, 'slow-key', $2)`, [s.users.sales.id, 'a'.repeat(64)]);
  expect(await claimKey(em, s.users.sales.id, 'slow-key', 'a'.repeat(64), 200)).toEqual({ kind: 'busy' });
  const waiting = claimKey(em, s.users.sales.id, 'slow-key', 'a'.repeat(64), 5000);
  await completeKey(s.app.orm.em.fork(), s.users.sales.id, 'slow-key', { data: { done: true } });
  expect(await waiting).toEqual({ kind: 'replay', response: { data: { done: true } } });
  expect(await claimKey(em, s.users.sales.id, 'slow-key', 'b'.repeat(64), 200)).toEqual({ kind: 'reused' });
});

test('keys older than a day are forgotten', async () => {
  const input = { topic: 'Expired key', lastName: 'K' };
  const first = await withKey(CREATE, { input }, 'old-key');
  await s.db.query(`update idempotency_key set created_at = now() - interval '25 hours' where key = 'old-key'`);
  const later = await withKey(CREATE, { input }, 'old-key');
  expect(later.data.createLead.lead.id).not.toBe(first.data.createLead.lead.id);
  expect(later.headers.get('idempotent-replayed')).toBeNull();
});

test('when one root field committed and another failed, the retry replays instead of running the first again', async () => {
  const query = `mutation($ids: [ID!]!, $owner: ID!) { a: createLead(input: { topic: "Two roots", lastName: "K" }) { lead { id } }
    b: assignLeads(input: { leadIds: $ids, ownerId: $owner }) { userErrors { code } } }`;
  const vars = { ids: Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000000'), owner: s.users.sales.id };
  const first = await withKey(query, vars, 'two-roots', s.users.manager);
  expect(first.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const again = await withKey(query, vars, 'two-roots', s.users.manager);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(await leadCount('Two roots')).toBe(1);
});

test('a claim left PENDING by a process that died is taken over after a while', async () => {
  await s.db.query(`insert into idempotency_key (user_id, key, request_hash, created_at) values ($1, 'dead-key', $2, now() - interval '6 minutes')`,
    [s.users.sales.id, 'c'.repeat(64)]);
  const res = await withKey(CREATE, { input: { topic: 'After a dead process', lastName: 'K' } }, 'dead-key');
  expect(res.data.createLead.lead.topic).toBe('After a dead process');
});

test('the IDEMPOTENCY_KEY_REUSED payload honours @skip and @include as execution would', async () => {
  await withKey(CREATE, { input: { topic: 'Directives A', lastName: 'K' } }, 'directive-key');
  const query = `mutation($no: Boolean!) { x: createLead(input: { topic: "Skipped", lastName: "K" }) @skip(if: true) { lead { id } }
    y: createLead(input: { topic: "Directives B", lastName: "K" }) { lead { id } userErrors @include(if: $no) { code } __typename } }`;
  const res = await withKey(query, { no: false }, 'directive-key');
  expect(res.data).toEqual({ y: { lead: null, __typename: 'CreateLeadPayload' } });
});

describe('replays are byte for byte the first response', () => {
  const raw = async (query: string, variables: Record<string, unknown>, key: string) => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.sales.key}`, 'idempotency-key': key },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed'), bytes: Buffer.from(await res.arrayBuffer()) };
  };

  test('keys in the order asked for, not jsonb\'s (shorter keys first), and the same bytes', async () => {
    // jsonb would store {"id", "topic", "version", "lastName", "companyName"}: the replay reordered them.
    const query = `mutation($input: CreateLeadInput!) { createLead(input: $input) {
      userErrors { message field code } lead { companyName lastName version topic id } } }`;
    const input = { topic: 'Byte for byte', lastName: 'Ordered', companyName: 'Keys – Ünïcode ✓' };
    const first = await raw(query, { input }, 'bytes-key');
    const again = await raw(query, { input }, 'bytes-key');
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(again.replayed).toBe('true');
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(Object.keys(JSON.parse(again.bytes.toString()).data.createLead)).toEqual(['userErrors', 'lead']);
  });

  test('a key completed before the text column is still replayed from its jsonb', async () => {
    const hash = 'c'.repeat(64);
    await s.db.query(`insert into idempotency_key (user_id, key, request_hash, status, response, completed_at)
      values ($1, 'old-jsonb-key', $2, 'DONE', $3::jsonb, now())`, [s.users.sales.id, hash, JSON.stringify({ data: { kept: 1 } })]);
    expect(await claimKey(s.app.orm.em.fork(), s.users.sales.id, 'old-jsonb-key', hash, 200)).toEqual({ kind: 'replay', response: { data: { kept: 1 } } });
  });
});
