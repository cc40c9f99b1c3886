// Web-to-lead forms: POST /forms/{formKey}, over HTTP, and the admin commands that make and
// revoke them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_DB_TIMEOUTS, loadConfig } from '../server/src/config';
import { generateFormKey } from '../server/src/forms/form-keys';
import { FormService, type CreatedForm } from '../server/src/forms/form.service';
import { DUPLICATE_LOCK_BUCKETS, DUPLICATE_LOCK_SPACE } from '../server/src/leads/lead.duplicates';
import { startTestServer, type TestServer, type TestUser } from './support/server';

const run = promisify(execFile);
let s: TestServer;
beforeAll(async () => { s = await startTestServer({ config: { formPostsPerIpPerMinute: 0, formPostsPerFormPerMinute: 0 } }); });
afterAll(async () => { await s?.stop(); });

const base = (t: TestServer) => t.url.replace(/\/graphql$/, '');
let made = 0;
async function makeForm(t: TestServer, owner: TestUser, opts: { name?: string; redirectUrl?: string } = {}): Promise<CreatedForm> {
  const email = (await t.db.query('select email from app_user where id = $1', [owner.id])).rows[0].email as string;
  return new FormService(t.app.orm.em.fork()).createForm({ name: opts.name ?? `Form ${++made}`, ownerEmail: email, redirectUrl: opts.redirectUrl });
}

type Fields = Record<string, string | string[]>;
/** Posts `fields` as an HTML form would (urlencoded; an array repeats the field), or as JSON. */
function post(t: TestServer, key: string, fields: Fields | unknown, opts: { json?: boolean; headers?: Record<string, string> } = {}) {
  const body = opts.json ? JSON.stringify(fields) : new URLSearchParams(Object.entries(fields as Fields)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString();
  return fetch(`${base(t)}/forms/${key}`, {
    method: 'POST', redirect: 'manual', body,
    headers: { 'content-type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded', ...opts.headers },
  });
}

/** Rows of the tables a submission writes to. */
async function rowCounts(t: TestServer) {
  const { rows } = await t.db.query(`select (select count(*)::int from lead) leads, (select count(*)::int from note) notes,
    (select count(*)::int from audit_entry) audits`);
  return rows[0] as { leads: number; notes: number; audits: number };
}

function headerNames(res: Response): string[] {
  const names: string[] = [];
  res.headers.forEach((_value, name) => { names.push(name); });
  return names;
}

let mails = 0;
const email = (tag = 'person') => `${tag}-${++mails}@visitor.example`;

const FULL = () => ({
  topic: 'Pricing for 50 seats', lastName: 'Lovelace', firstName: 'Ada', email: email('ada'), companyName: 'Analytical Engines',
  businessPhone: '+44 20 7946 0000', description: 'Please call me back.', website_url: '',
});

describe('a valid submission', () => {
  test('urlencoded: 201 {"status":"received"}, an OPEN lead from WEB owned and created by the form\'s owner, with its history', async () => {
    const form = await makeForm(s, s.users.sales);
    const fields = FULL();
    const res = await post(s, form.formKey, fields);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'received' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { rows } = await s.db.query('select * from lead where email = $1', [fields.email]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      topic: 'Pricing for 50 seats', last_name: 'Lovelace', first_name: 'Ada', company_name: 'Analytical Engines',
      business_phone: '+44 20 7946 0000', description: 'Please call me back.', source: 'WEB', state: 'OPEN', status_reason: 'NEW',
      owner_id: s.users.sales.id, created_by_id: s.users.sales.id,
    });
    const history = await s.gql('query($id: ID!) { lead(id: $id) { source owner { id } history(first: 10) { nodes { action actor { id } } } } }',
      { id: rows[0].id }, { as: s.users.sales });
    expect(history.data.lead).toEqual({ source: 'WEB', owner: { id: s.users.sales.id }, history: { nodes: [{ action: 'CREATED', actor: { id: s.users.sales.id } }] } });
  });

  test('JSON alike; without a topic it is "Web form: <form name>"; blank optional fields are not given; other fields are ignored', async () => {
    const form = await makeForm(s, s.users.manager, { name: 'Contact us' });
    const address = email();
    const res = await post(s, form.formKey, {
      lastName: '  Hopper ', email: address, firstName: '', companyName: '   ',
      ownerId: s.users.sales.id, source: 'PARTNER', state: 'QUALIFIED', rating: 'HOT', extra: { nested: true },
    }, { json: true });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'received' });
    const { rows } = await s.db.query('select topic, last_name, first_name, company_name, source, state, rating, owner_id, created_by_id from lead where email = $1', [address]);
    expect(rows).toEqual([{ topic: 'Web form: Contact us', last_name: 'Hopper', first_name: null, company_name: null, source: 'WEB',
      state: 'OPEN', rating: null, owner_id: s.users.manager.id, created_by_id: s.users.manager.id }]);
  });

  test('a form with a redirect URL answers 303 with Location, and the lead is made', async () => {
    const form = await makeForm(s, s.users.sales, { redirectUrl: 'https://www.example.com/thanks?from=form' });
    const fields = FULL();
    const res = await post(s, form.formKey, fields);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://www.example.com/thanks?from=form');
    expect((await s.db.query('select count(*)::int n from lead where email = $1', [fields.email])).rows[0].n).toBe(1);
  });

  test('the route never reads Authorization: any header or none, the form key decides', async () => {
    const form = await makeForm(s, s.users.sales);
    for (const authorization of ['Bearer nonsense', `Bearer ${s.users.partner.key}`]) {
      const res = await post(s, form.formKey, { lastName: 'Keyless', email: email() }, { headers: { authorization } });
      expect(res.status).toBe(201);
    }
    const { rows } = await s.db.query(`select distinct owner_id, created_by_id from lead where last_name = 'Keyless'`);
    expect(rows).toEqual([{ owner_id: s.users.sales.id, created_by_id: s.users.sales.id }]);
  });
});

describe('the same person again', () => {
  const LEAD = 'mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { message } } }';

  test('an OPEN lead with the email (in any case) gets a note with the submission instead of a duplicate, and its lastActivityAt', async () => {
    const address = email('grace');
    // Someone else's lead: the match is on every OPEN lead, whoever owns it.
    const existing = (await s.gql(LEAD, { input: { topic: 'Earlier', lastName: 'Hopper', email: address } }, { as: s.users.sales2 })).data.createLead.lead.id;
    const form = await makeForm(s, s.users.sales, { name: 'Demo request' });
    const before = await rowCounts(s);
    const res = await post(s, form.formKey, { lastName: 'Hopper', firstName: 'Grace', email: address.toUpperCase(), description: 'Still interested', website_url: '' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'received' });
    expect(await rowCounts(s)).toEqual({ leads: before.leads, notes: before.notes + 1, audits: before.audits + 1 });
    const { rows: notes } = await s.db.query('select text, author_id, created_at from note where lead_id = $1', [existing]);
    expect(notes).toHaveLength(1);
    expect(notes[0].author_id).toBe(s.users.sales.id);
    expect(notes[0].text).toBe([
      `Web form "Demo request" (form ${form.formId}) received a submission from Grace Hopper <${address.toUpperCase()}>:`,
      'lastName: Hopper', 'firstName: Grace', `email: ${address.toUpperCase()}`, 'description: Still interested',
    ].join('\n'));
    const lead = (await s.db.query('select last_activity_at, version, state from lead where id = $1', [existing])).rows[0];
    expect(lead).toEqual({ last_activity_at: notes[0].created_at, version: 1, state: 'OPEN' });
    const audit = (await s.db.query(`select action, actor_id from audit_entry where entity_id = $1 order by at`, [existing])).rows;
    expect(audit).toEqual([{ action: 'CREATED', actor_id: s.users.sales2.id }, { action: 'NOTE_ADDED', actor_id: s.users.sales.id }]);
  });

  test('when the only lead with the email is DISQUALIFIED, the submission makes a new lead', async () => {
    const address = email('closed');
    const old = (await s.gql(LEAD, { input: { topic: 'Old', lastName: 'Closed', email: address } }, { as: s.users.sales })).data.createLead.lead.id;
    const dq = await s.gql('mutation($input: DisqualifyLeadInput!) { disqualifyLead(input: $input) { userErrors { message } } }',
      { input: { id: old, reason: 'LOST' } }, { as: s.users.sales });
    expect(dq.data.disqualifyLead.userErrors).toEqual([]);
    const form = await makeForm(s, s.users.sales);
    expect((await post(s, form.formKey, { lastName: 'Closed', email: address })).status).toBe(201);
    const { rows } = await s.db.query('select id, state, source from lead where lower(email) = $1 order by created_at', [address]);
    expect(rows).toEqual([{ id: old, state: 'DISQUALIFIED', source: null }, { id: expect.any(String), state: 'OPEN', source: 'WEB' }]);
    expect((await s.db.query('select count(*)::int n from note where lead_id = $1', [old])).rows[0].n).toBe(0);
  });

  test('two identical submissions at once make one lead and one note', async () => {
    const form = await makeForm(s, s.users.sales);
    const fields = { ...FULL(), email: email('twice') };
    const before = await rowCounts(s);
    const answers = await Promise.all([post(s, form.formKey, fields), post(s, form.formKey, fields)]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    const { rows } = await s.db.query('select id from lead where email = $1', [fields.email]);
    expect(rows).toHaveLength(1);
    expect((await s.db.query('select count(*)::int n from note where lead_id = $1', [rows[0].id])).rows[0].n).toBe(1);
    expect(await rowCounts(s)).toEqual({ leads: before.leads + 1, notes: before.notes + 1, audits: before.audits + 2 });
  });
});

describe('invalid input: 400 {"errors":[{"field","message"}]}, nothing written', () => {
  let key: string;
  beforeAll(async () => { key = (await makeForm(s, s.users.sales)).formKey; });

  async function expectRefused(fields: Fields | unknown, errors: { field: string; message: string }[], json = false) {
    const before = await rowCounts(s);
    const res = await post(s, key, fields, { json });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors });
    expect(await rowCounts(s)).toEqual(before);
  }

  test('a filled honeypot, whatever else the submission holds', async () => {
    await expectRefused({ ...FULL(), website_url: 'http://spam.example' }, [{ field: 'website_url', message: 'website_url must be empty' }]);
    await expectRefused({ ...FULL(), website_url: 'x' }, [{ field: 'website_url', message: 'website_url must be empty' }], true);
    await expectRefused({ ...FULL(), website_url: 1 }, [{ field: 'website_url', message: 'website_url must be empty' }], true);
  });

  test.each<[string, Fields, { field: string; message: string }[]]>([
    ['no last name', { email: 'a@b.example' }, [{ field: 'lastName', message: 'lastName must not be blank' }]],
    ['a blank last name', { lastName: '   ' }, [{ field: 'lastName', message: 'lastName must not be blank' }]],
    ['a malformed email', { lastName: 'L', email: 'not-an-email' }, [{ field: 'email', message: 'email must be a well-formed email address' }]],
    ['a phone of letters', { lastName: 'L', businessPhone: 'call me' }, [{ field: 'businessPhone', message: 'businessPhone must be a phone number' }]],
    ['a topic of 301 characters', { lastName: 'L', topic: 't'.repeat(301) }, [{ field: 'topic', message: 'topic must be shorter than or equal to 300 characters' }]],
    ['a first name of 51 characters', { lastName: 'L', firstName: 'f'.repeat(51) }, [{ field: 'firstName', message: 'firstName must be shorter than or equal to 50 characters' }]],
    ['a company of 161 characters', { lastName: 'L', companyName: 'c'.repeat(161) }, [{ field: 'companyName', message: 'companyName must be shorter than or equal to 160 characters' }]],
    ['a description of 2001 characters', { lastName: 'L', description: 'd'.repeat(2001) }, [{ field: 'description', message: 'description must be shorter than or equal to 2000 characters' }]],
    ['a NUL character', { lastName: 'L\u0000L' }, [{ field: 'lastName', message: 'lastName must not contain NUL characters' }]],
    ['a field given twice', { lastName: 'L', email: ['a@b.example', 'c@d.example'] }, [{ field: 'email', message: 'email must be given once' }]],
    ['several at once, in the order of the form\'s fields', { businessPhone: 'x', email: 'nope' }, [
      { field: 'lastName', message: 'lastName must not be blank' },
      { field: 'email', message: 'email must be a well-formed email address' },
      { field: 'businessPhone', message: 'businessPhone must be a phone number' },
    ]],
  ])('%s', async (_name, fields, errors) => {
    await expectRefused(fields, errors);
  });

  test('JSON values that are not text', async () => {
    await expectRefused({ lastName: 42 }, [{ field: 'lastName', message: 'lastName must be text' }], true);
    await expectRefused({ lastName: 'L', email: { a: 1 } }, [{ field: 'email', message: 'email must be text' }], true);
    await expectRefused({ lastName: null }, [{ field: 'lastName', message: 'lastName must not be blank' }], true);
  });
});

describe('refusals in the service\'s error shape', () => {
  const errorOf = async (res: Response) => (await res.json()) as { errors: { message: string; extensions: { code: string; requestId: string } }[] };

  test('an unknown key and a revoked key get the same 404', async () => {
    const form = await makeForm(s, s.users.sales);
    await new FormService(s.app.orm.em.fork()).revokeForm({ key: form.formKey });
    const before = await rowCounts(s);
    const answers = [];
    for (const key of [form.formKey, generateFormKey().key, 'not-a-key', 'x'.repeat(300)]) {
      const res = await post(s, key, FULL());
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await errorOf(res);
      expect(body).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND', requestId: expect.any(String) } }] });
      answers.push(JSON.stringify({ ...body.errors[0], extensions: { code: body.errors[0].extensions.code } }) + headerNames(res).filter((h) => !/date|x-request-id/.test(h)).join());
    }
    expect(new Set(answers).size).toBe(1);
    expect(await rowCounts(s)).toEqual(before);
  });

  test('no CORS headers, on a post from another site or on a preflight, even for an origin the API itself allows', async () => {
    const form = await makeForm(s, s.users.sales);
    const origin = 'http://localhost:5173'; // an origin the API itself allows outside production
    const res = await post(s, form.formKey, { lastName: 'Cors', email: email() }, { headers: { origin } });
    expect(res.status).toBe(201);
    const preflight = await fetch(`${base(s)}/forms/${form.formKey}`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('allow')).toBe('POST');
    expect((await errorOf(preflight)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const r of [res, preflight]) {
      expect(headerNames(r).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    // The API's own preflight still gets its headers from the same server.
    const api = await fetch(s.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(api.headers.get('access-control-allow-origin')).toBe(origin);
  });

  test('other methods are 405 and other paths under /forms 404, without a key', async () => {
    const form = await makeForm(s, s.users.sales);
    const get = await fetch(`${base(s)}/forms/${form.formKey}`);
    expect(get.status).toBe(405);
    for (const p of ['/forms', '/forms/', `/forms/${form.formKey}/more`]) {
      const res = await fetch(`${base(s)}${p}`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });

  test('a body over 16 KiB is 413, before it is parsed', async () => {
    const form = await makeForm(s, s.users.sales);
    const before = await rowCounts(s);
    for (const json of [false, true]) {
      const res = await post(s, form.formKey, { lastName: 'Big', description: 'd'.repeat(17 * 1024) }, { json });
      expect(res.status).toBe(413);
      expect((await errorOf(res)).errors[0]).toEqual({ message: 'The request body is too large', extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) } });
    }
    const many = await post(s, form.formKey, Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, 'x'])));
    expect(many.status).toBe(413);
    expect((await errorOf(many)).errors[0].message).toBe('A form may post at most 50 fields');
    expect(await rowCounts(s)).toEqual(before);
  });

  test('a body of another type is 415; malformed JSON and JSON that is no object are 400', async () => {
    const form = await makeForm(s, s.users.sales);
    const before = await rowCounts(s);
    const send = (contentType: string, body: string) => fetch(`${base(s)}/forms/${form.formKey}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    for (const [type, body] of [['text/plain', 'lastName=L'], ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="lastName"\r\n\r\nL\r\n--x--'],
      ['application/x-www-form-urlencoded; charset=utf-16', 'lastName=L']]) {
      const res = await send(type, body);
      expect(res.status).toBe(415);
      expect((await errorOf(res)).errors[0]).toEqual({
        message: 'Send the form as application/x-www-form-urlencoded (an HTML form\'s default) or application/json, in UTF-8',
        extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) },
      });
    }
    const broken = await send('application/json', '{"lastName": ');
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const list = await send('application/json', '[{"lastName":"L"}]');
    expect(list.status).toBe(400);
    expect((await errorOf(list)).errors[0].message).toBe('The request body must be a JSON object of the form\'s fields');
    expect(await rowCounts(s)).toEqual(before);
  });
});

test('metrics label every post by the route template, never by its key', async () => {
  const form = await makeForm(s, s.users.sales);
  await post(s, form.formKey, { lastName: 'Metered', email: email() });
  await post(s, generateFormKey().key, { lastName: 'Metered' });
  const text = await (await fetch(`${base(s)}/metrics`, { headers: { authorization: `Bearer ${s.users.admin.key}` } })).text();
  expect(text).toMatch(/leads_http_request_duration_seconds_count\{method="POST",route="\/forms\/:formKey",status="201"\} \d+/);
  expect(text).toMatch(/route="\/forms\/:formKey",status="404"/);
  expect(text).not.toMatch(/ldf_/);
});

describe('limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: { formPostsPerIpPerMinute: 3, formPostsPerFormPerMinute: 2, db: { ...DEFAULT_DB_TIMEOUTS, lockTimeoutMs: 500 } } });
  });
  afterAll(async () => { await t?.stop(); });
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

  async function expectThrottled(res: Response) {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('THROTTLED');
  }

  test('per form: past FORM_POSTS_PER_FORM_PER_MINUTE from all addresses, 429 with Retry-After; other forms go on', async () => {
    const form = await makeForm(t, t.users.sales);
    expect((await post(t, form.formKey, { lastName: 'A', email: email() }, from('198.51.100.1'))).status).toBe(201);
    expect((await post(t, form.formKey, { lastName: '' }, from('198.51.100.2'))).status).toBe(400); // invalid posts count too
    const before = await rowCounts(t);
    await expectThrottled(await post(t, form.formKey, { lastName: 'C', email: email() }, from('198.51.100.3')));
    expect(await rowCounts(t)).toEqual(before);
    const other = await makeForm(t, t.users.sales);
    expect((await post(t, other.formKey, { lastName: 'D', email: email() }, from('198.51.100.4'))).status).toBe(201);
  });

  test('per address: past FORM_POSTS_PER_IP_PER_MINUTE on any forms, 429 before the key is even looked up', async () => {
    const forms = [await makeForm(t, t.users.sales), await makeForm(t, t.users.sales), await makeForm(t, t.users.sales)];
    for (const f of forms) expect((await post(t, f.formKey, { lastName: 'E', email: email() }, from('203.0.113.9'))).status).toBe(201);
    t.resetSql();
    await expectThrottled(await post(t, forms[0].formKey, { lastName: 'F', email: email() }, from('203.0.113.9')));
    await expectThrottled(await post(t, generateFormKey().key, { lastName: 'F' }, from('203.0.113.9')));
    expect(t.sql.filter((q) => /web_form/.test(q))).toEqual([]);
    expect((await post(t, forms[1].formKey, { lastName: 'G', email: email() }, from('203.0.113.10'))).status).toBe(201);
  });

  test('the limits are configuration: defaults 20 per address and 300 per form, 0 turns one off', () => {
    const defaults = loadConfig({});
    expect([defaults.formPostsPerIpPerMinute, defaults.formPostsPerFormPerMinute]).toEqual([20, 300]);
    const set = loadConfig({ FORM_POSTS_PER_IP_PER_MINUTE: '0', FORM_POSTS_PER_FORM_PER_MINUTE: '5' });
    expect([set.formPostsPerIpPerMinute, set.formPostsPerFormPerMinute]).toEqual([0, 5]);
    expect(() => loadConfig({ FORM_POSTS_PER_IP_PER_MINUTE: '-1' })).toThrow(/FORM_POSTS_PER_IP_PER_MINUTE: must be a whole number ≥ 0/);
  });

  test('with both limits at 0 (the other server of this file) a form takes any number of posts', async () => {
    const form = await makeForm(s, s.users.sales);
    for (let i = 0; i < 25; i++) expect((await post(s, form.formKey, { lastName: `N${i}` })).status).toBe(201);
  });

  test('a database that cannot serve in time is 503 SERVICE_UNAVAILABLE with Retry-After, and nothing is written', async () => {
    const form = await makeForm(t, t.users.sales);
    const address = email('locked');
    const before = await rowCounts(t);
    // Another transaction holds the lock that submissions of this email take: past lock_timeout, a 503.
    await t.db.query('begin');
    try {
      await t.db.query(`select pg_advisory_xact_lock($1, hashtext('lead-duplicate:' || $2) & $3)`,
        [DUPLICATE_LOCK_SPACE, `email:${address}`, DUPLICATE_LOCK_BUCKETS - 1]);
      const res = await post(t, form.formKey, { lastName: 'Waits', email: address }, from('192.0.2.77'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await t.db.query('rollback');
    }
    expect(await rowCounts(t)).toEqual(before);
  });
});

describe('admin commands', () => {
  const admin = path.resolve(__dirname, '../server/dist/admin.js');
  const env = () => ({ ...process.env, DATABASE_URL: s.app.orm.config.get('clientUrl') as string });
  const cli = async (...args: string[]) => JSON.parse((await run('node', [admin, ...args], { env: env() })).stdout);

  test('form:create prints the form with its key once; the key works; forms:list never shows it; form:revoke makes it 404', async () => {
    const created = await cli('form:create', '--name', 'Pricing page', '--owner', 'SALES@test.example', '--redirect', 'https://example.com/thanks');
    expect(created).toEqual({
      formId: expect.any(String), name: 'Pricing page', owner: 'sales@test.example', redirectUrl: 'https://example.com/thanks',
      createdAt: expect.any(String), revokedAt: null, formKey: expect.stringMatching(/^ldf_[A-Za-z0-9_-]{43}$/),
      actionPath: `/forms/${created.formKey}`,
    });
    const stored = (await s.db.query('select * from web_form where id = $1', [created.formId])).rows[0];
    expect(stored).toMatchObject({ name: 'Pricing page', owner_id: s.users.sales.id, redirect_url: 'https://example.com/thanks', key_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(stored)).not.toContain(created.formKey.slice(4));

    const res = await post(s, created.formKey, { lastName: 'Cli', email: email() });
    expect(res.status).toBe(303);

    const second = await cli('form:create', '--name', 'Newsletter', '--owner', 'manager@test.example');
    expect(second.redirectUrl).toBeNull();
    const listed = (await run('node', [admin, 'forms:list'], { env: env() })).stdout;
    expect(JSON.parse(listed).forms).toEqual(expect.arrayContaining([
      { formId: created.formId, name: 'Pricing page', owner: 'sales@test.example', redirectUrl: 'https://example.com/thanks', createdAt: created.createdAt, revokedAt: null },
    ]));
    expect(listed).not.toMatch(/ldf_/);

    const revoked = await cli('form:revoke', '--key', created.formKey);
    expect(revoked).toEqual({ ...created, formKey: undefined, actionPath: undefined, revokedAt: expect.any(String) });
    expect((await post(s, created.formKey, { lastName: 'Cli', email: email() })).status).toBe(404);
    const live = await cli('forms:list');
    expect(live.forms.map((f: { formId: string }) => f.formId)).not.toContain(created.formId);
    const all = await cli('forms:list', '--all');
    expect(all.forms.find((f: { formId: string }) => f.formId === created.formId).revokedAt).toBe(revoked.revokedAt);

    const byId = await cli('form:revoke', '--id', second.formId);
    expect(byId.revokedAt).toEqual(expect.any(String));
    expect((await post(s, second.formKey, { lastName: 'Cli' })).status).toBe(404);
  });

  test('bad arguments fail with one line on stderr and exit code 1, and make nothing', async () => {
    const before = (await s.db.query('select count(*)::int n from web_form')).rows[0].n;
    const cases: [string[], RegExp][] = [
      [['form:create', '--name', 'X', '--owner', 'nobody@test.example'], /^no user with email nobody@test.example\n$/],
      [['form:create', '--name', 'X', '--owner', 'partner@test.example'], /^partner@test.example is a PARTNER, who may not own leads that others send/],
      [['form:create', '--name', 'X', '--owner', 'sales@test.example', '--redirect', 'ftp://example.com/x'], /^--redirect must be an absolute http:\/\/ or https:\/\/ URL/],
      [['form:create', '--name', 'X', '--owner', 'sales@test.example', '--redirect', 'javascript:alert(1)'], /^--redirect must be/],
      [['form:create', '--name', 'X', '--owner', 'sales@test.example', '--redirect', '/thanks'], /^--redirect must be/],
      [['form:create', '--name', 'X', '--owner', 'sales@test.example', '--redirect', 'https://user:pw@example.com/'], /^--redirect must be/],
      [['form:create', '--name', '  ', '--owner', 'sales@test.example'], /^--name must not be blank\n$/],
      [['form:create', '--name', 'X'], /^error: missing required option --owner\n/],
      [['form:create'], /^error: missing required options --name, --owner\n/],
      [['form:revoke'], /^error: missing required option --key or --id\n/],
      [['form:revoke', '--key', generateFormKey().key], /^no form has this key\n$/],
      [['form:revoke', '--id', 'not-a-uuid'], /^no form with id not-a-uuid\n$/],
    ];
    for (const [args, message] of cases) {
      await expect(run('node', [admin, ...args], { env: env() })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(message) });
    }
    expect((await s.db.query('select count(*)::int n from web_form')).rows[0].n).toBe(before);
    const form = await cli('form:create', '--name', 'Twice', '--owner', 'sales@test.example');
    await cli('form:revoke', '--id', form.formId);
    await expect(run('node', [admin, 'form:revoke', '--key', form.formKey], { env: env() }))
      .rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^the form .* was already revoked at /) });
  });

  test('--help lists the form commands and their options', async () => {
    const top = (await run('node', [admin, '--help'], { env: env() })).stdout;
    for (const c of ['form:create', 'form:revoke', 'forms:list']) expect(top).toContain(c);
    const one = (await run('node', [admin, 'form:create', '--help'], { env: env() })).stdout;
    expect(one).toMatch(/--name <name>[\s\S]*--owner <email>[\s\S]*--redirect <url>/);
    expect(one).toMatch(/formKey/);
  });
});
