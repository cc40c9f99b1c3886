// The edge in front of the API: each test reproduces an attack on the service as it was and
// checks that it is now refused, quickly, with its code, and without touching the database.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { generateFormKey } from '../server/src/forms/form-keys';
import { FormService } from '../server/src/forms/form.service';
import { createLogger } from '../server/src/http/logging';
import { freePort } from '../server/src/db/embedded';
import { generateApiKey } from '../server/src/users/api-keys';
import { MAX_SELECTIONS, MAX_OPERATIONS, MAX_TOKENS } from '../server/src/common/limits';
import { startTestServer, type TestServer } from './support/server';
import { createLead } from './support/timeline';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

/** Statements other than the API-key lookup (which authentication may need). */
const dataSql = () => s.sql.filter((q) => !/api_key/.test(q));

/** A raw HTTP request, for what fetch will not send (a Host header, a malformed path). */
function raw(url: string, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}) {
  const u = new URL(url);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method: opts.method ?? 'GET', path: opts.path ?? u.pathname + u.search, headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const post = (body: unknown, headers: Record<string, string> = {}) => fetch(s.url, {
  method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.admin.key}`, ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('authentication cannot be skipped', () => {
  test('a GET with 1000 empty parameters before its query needs a key (Express stops parsing at 1000, Apollo does not)', async () => {
    s.resetSql();
    const res = await fetch(`${s.url}?${'&'.repeat(1000)}&query=${encodeURIComponent('{ __typename me { id } }')}`, {
      headers: { accept: 'application/json, text/html', 'apollo-require-preflight': '1' } });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('a GET with only a persisted-query hash needs a key', async () => {
    const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }));
    const res = await fetch(`${s.url}?extensions=${ext}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('the landing page is only what Apollo itself serves: text/html must be preferred', async () => {
    const page = await fetch(s.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const json = await fetch(s.url, { headers: { accept: 'application/json, text/html' } });
    expect(json.status).toBe(401);
    const post = await fetch(s.url, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' });
    expect(post.status).toBe(401);
  });

  test('every other path needs a key too, and answers in the contract shape', async () => {
    const base = s.url.replace(/\/graphql$/, '');
    for (const path of ['/nope', '/metrics', '/attachments/x', '/GRAPHQL']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(401);
      expect((await res.json()).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', requestId: expect.any(String) });
    }
    const unknown = await fetch(`${base}/nope`, { headers: { authorization: `Bearer ${s.users.admin.key}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND', requestId: expect.any(String) } }] });
  });
});

describe('the development key stays on the developer\'s machine', () => {
  let d: TestServer;
  const devKey = generateApiKey().key;
  beforeAll(async () => { d = await startTestServer({ config: { corsOrigins: true }, app: { sandboxApiKey: devKey } }); });
  afterAll(async () => { await d?.stop(); });

  test('the Sandbox page with the key is served to loopback Host names, never readable cross-origin, never framed', async () => {
    const port = new URL(d.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const res = await raw(d.url, { headers: { host, accept: 'text/html', origin: 'https://evil.example' } });
      expect(res.status).toBe(200);
      expect(res.body).toContain(`Bearer ${devKey}`);
      // even with CORS_ORIGINS=*, the page answers no origin
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  test('under any other Host (a DNS-rebinding page) it is refused without the key', async () => {
    for (const host of [`evil.example:${new URL(d.url).port}`, 'evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:4000']) {
      const res = await raw(d.url, { headers: { host, accept: 'text/html' } });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).errors[0].extensions.code).toBe('FORBIDDEN');
      expect(res.body).not.toContain(devKey);
    }
  });

  test('a cross-origin fetch with Accept: text/html (a CORS-safelisted header) gets the page but may not read it', async () => {
    const res = await fetch(d.url, { headers: { accept: 'text/html', origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });
});

describe('Express errors go through the shared mapping, never an HTML page', () => {
  test('a malformed %-escape in an attachment id is a 400 in JSON', async () => {
    const res = await raw(s.url, { path: '/attachments/%E0%A4%A', headers: { authorization: `Bearer ${s.users.admin.key}` } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(res.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body).not.toMatch(/<html|<pre|URIError|at /i);
  });

  test('Apollo\'s own refusals carry the request id too', async () => {
    for (const [headers, body] of [
      [{ 'content-type': 'text/plain' }, '{"query":"{ me { id } }"}'], // CSRF prevention
      [{ 'content-type': 'application/json' }, '[]'], // batching is off
      [{ 'content-type': 'application/json' }, '{"query":"{ me { id } }","variables":"x"}'],
    ] as const) {
      const res = await fetch(s.url, { method: 'POST', headers: { authorization: `Bearer ${s.users.admin.key}`, 'x-request-id': 'mine-1', ...headers }, body });
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', requestId: 'mine-1' });
    }
  });

  test('a body in an unsupported charset is a 415 in JSON', async () => {
    const res = await post('{}', { 'content-type': 'application/json; charset=latin-9' });
    expect(res.status).toBe(415);
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('security headers', () => {
  test('API answers may not be framed and load nothing', async () => {
    const res = await s.gql('{ me { id } }');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('answers carry no ETag: nothing caches a POST, and hashing each answer costs CPU', async () => {
    const res = await s.gql('{ me { id } }');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeNull();
  });
});

describe('the work is bounded before validation', () => {
  const timed = async (body: unknown) => {
    s.resetSql();
    const started = performance.now();
    const res = await post(body);
    return { res, body: await res.json(), ms: performance.now() - started };
  };

  test.each([
    ['10,000 repeated fields', `{ me { ${'id '.repeat(10_000)} } }`, /tokens/],
    ['50,000 repeated fields (150 KB)', `{ me { ${'id '.repeat(50_000)} } }`, /tokens/],
    ['180,000 operations (3.8 MB)', Array.from({ length: 180_000 }, (_, i) => `query q${i}{me{id}}`).join('').slice(0, 3_800_000), /tokens/],
    [`${MAX_SELECTIONS + 1} fields`, `{ me { ${'id '.repeat(MAX_SELECTIONS + 1)} } }`, /selections/],
    [`${MAX_SELECTIONS} fragment spreads`, `{ me { ${'...F '.repeat(MAX_SELECTIONS)} } } fragment F on User { id }`, /selections/],
    [`${MAX_OPERATIONS + 1} operations`, Array.from({ length: MAX_OPERATIONS + 1 }, (_, i) => `query q${i} { me { id } }`).join(' '), /operations/],
  ])('%s: QUERY_TOO_COMPLEX at once, no SQL', async (_name, query, message) => {
    const { res, body, ms } = await timed({ query });
    expect(res.status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(body.errors[0].message).toMatch(message);
    expect(ms).toBeLessThan(1000);
    expect(dataSql()).toEqual([]);
  });

  test('the same limits hold for a GET', async () => {
    const res = await fetch(`${s.url}?query=${encodeURIComponent(`{ me { ${'id '.repeat(MAX_SELECTIONS + 1)} } }`)}`, {
      headers: { authorization: `Bearer ${s.users.admin.key}`, 'apollo-require-preflight': '1' } });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  test('documents at the limits run', async () => {
    expect((await s.gql(`{ me { ${'id '.repeat(MAX_SELECTIONS - 1)} } }`)).errors).toBeUndefined();
    const ops = Array.from({ length: MAX_OPERATIONS }, (_, i) => `query q${i} { me { id } }`).join(' ');
    expect((await post({ query: ops, operationName: 'q3' })).status).toBe(200);
    expect(MAX_TOKENS).toBeGreaterThan(1286); // the SDK's operations, all together
  });

  test('attachment content counts by its weight: 15 aliases of 100 attachments are refused before running', async () => {
    const page = 'timeline(first: 100) { nodes { ... on Note { attachment { id fileName contentBase64 } } } }';
    const query = `query($id: ID!) { ${Array.from({ length: 15 }, (_, i) => `a${i}: lead(id: $id) { ${page} }`).join(' ')} }`;
    const { res, body } = await timed({ query, variables: { id: '00000000-0000-4000-8000-000000000000' } });
    expect(res.status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(dataSql()).toEqual([]);
    // one page of 100 is too much as well; a page of 25 (the default) fits
    expect((await s.gql(`query($id: ID!) { lead(id: $id) { ${page} } }`, { id: '00000000-0000-4000-8000-000000000000' })).errors?.[0].extensions?.code)
      .toBe('QUERY_TOO_COMPLEX');
    expect((await s.gql(`query($id: ID!) { lead(id: $id) { ${page.replace('first: 100', 'first: 25')} } }`, { id: '00000000-0000-4000-8000-000000000000' })).errors)
      .toBeUndefined();
  });

  test('variables nested 10,000 deep with an Idempotency-Key are a clean BAD_USER_INPUT; so are 40 levels, too deep to hash', async () => {
    const query = JSON.stringify('mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }');
    for (const [levels, message] of [[10_000, /nests deeper than 64/], [40, /Variables may nest at most 32/]] as const) {
      const deep = `${'['.repeat(levels)}${']'.repeat(levels)}`;
      s.resetSql();
      const res = await post(`{"query":${query},"variables":{"input":{"topic":"T","lastName":"L"},"junk":${deep}}}`, { 'idempotency-key': `deep-${levels}` });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(message);
      expect(dataSql()).toEqual([]);
    }
  });

  test.each([
    ['4 MB of nested brackets', () => `{"query":"{ me { id } }","variables":{"x":${'['.repeat(1_900_000)}${']'.repeat(1_900_000)}}}`, /nests deeper/],
    ['a million empty arrays', () => `{"query":"{ me { id } }","variables":{"x":[${Array(1_000_000).fill('[]').join(',')}]}}`, /more than 100000 values/],
  ])('%s: refused before JSON.parse', async (_name, body, message) => {
    // The service runs in this process: a spy sees every JSON.parse of a request body.
    const parse = jest.spyOn(JSON, 'parse');
    const parsedBodies = () => parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 1_000_000).length;
    try {
      const res = await post(body());
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0]).toEqual({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) } });
      expect(parsedBodies()).toBe(0);
      // The spy does see a body of that size that is fit to parse.
      const fit = await post(`{"query":"{ me { id } }","variables":{"pad":"${'x'.repeat(1_500_000)}"}}`);
      expect(fit.status).toBe(200);
      expect(parsedBodies()).toBe(1);
    } finally {
      parse.mockRestore();
    }
  });
});

describe('the event loop stays responsive', () => {
  test('/healthz answers within 100 ms, seen by a separate client, while the worst documents arrive', async () => {
    // The service as it runs (compiled, its own process), on this file's database.
    const port = await freePort();
    const { DATABASE_URL: _omit, ...env } = process.env;
    const server = spawn(process.execPath, [path.resolve(__dirname, '../server/dist/main.js')], {
      env: { ...env, DATABASE_URL: s.app.orm.config.get('clientUrl') as string, PORT: String(port), LOG_LEVEL: 'warn',
        NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: '0' },
      stdio: ['ignore', 'pipe', 'inherit'] });
    const base = `http://127.0.0.1:${port}`;
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (d) => { out += d; if (/ready at/.test(out)) resolve(); });
        server.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
      });
      const send = (query: string) => fetch(`${base}/graphql`, { method: 'POST', body: JSON.stringify({ query }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.admin.key}` } }).then((r) => r.text());
      const worst = [
        `{ me { ${'id '.repeat(50_000)} } }`,
        // the slowest documents within the limits: fields of one name, in fragments or as repeated root fields
        `{ me { ${Array.from({ length: MAX_SELECTIONS / 2 - 1 }, (_, i) => `...F${i}`).join(' ')} } } ${Array.from({ length: MAX_SELECTIONS / 2 - 1 }, (_, i) => `fragment F${i} on User { id }`).join(' ')}`,
        `{ ${'lead(id: "00000000-0000-4000-8000-000000000000") { id topic } '.repeat(MAX_SELECTIONS / 3)} }`,
      ];
      // Once each first: the first request of a kind loads and compiles code, whatever it is.
      for (const query of worst) await send(query);

      // The client: a process of its own, timing each /healthz round trip; a line on its input
      // starts the next phase, the end of its input ends the last.
      const poller = spawn(process.execPath, ['-e', `
        const phases = [[]]; let done = false;
        process.stdin.on('data', (d) => { for (const c of String(d)) if (c === '\\n') phases.push([]); });
        process.stdin.on('end', () => { done = true; }); process.stdin.resume();
        (async () => {
          await fetch('${base}/healthz').then((r) => r.text()); // the first fetch loads undici
          process.stdout.write('ready\\n');
          while (!done) { const t = performance.now(); await fetch('${base}/healthz').then((r) => r.text());
            phases[phases.length - 1].push(performance.now() - t); await new Promise((r) => setTimeout(r, 10)); }
          process.stdout.write(JSON.stringify(phases.map((times) => { times.sort((a, b) => a - b);
            return { n: times.length, slow: times.filter((ms) => ms >= 100).length, median: times[times.length >> 1], max: times[times.length - 1] }; })));
        })();`], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      poller.stdout!.on('data', (d) => { out += d; });
      const exited = new Promise((resolve) => poller.on('exit', resolve));
      await new Promise<void>((resolve) => { const check = () => (out.includes('ready') ? resolve() : setTimeout(check, 10)); check(); });
      // Phase 1, for comparison: the same client sending a small query back to back.
      for (let ends = Date.now() + 2000; Date.now() < ends;) await send('{ me { id } }');
      poller.stdin!.write('\n');
      // Phase 2: the worst documents back to back, each new to Apollo's cache of validated documents.
      for (let i = 0, ends = Date.now() + 3000; Date.now() < ends; i++) for (const query of worst) await send(`${query} # ${i}`);
      poller.stdin!.end();
      await exited;
      const [normal, attacked] = JSON.parse(out.slice(out.indexOf('['))) as { n: number; slow: number; median: number; max: number }[];
      expect(attacked.n).toBeGreaterThan(20);
      // Within 100 ms: on an idle machine every poll (the slowest document validates in about
      // 25 ms of CPU). Beside other test files on 2 CPUs, a CPU-starved service takes longer
      // for everything: then the typical poll still within 50 ms, most within 100 ms, none
      // near a second (before the limits, one such document blocked it for seconds).
      expect(attacked.median).toBeLessThan(50);
      expect(attacked.slow / attacked.n).toBeLessThanOrEqual(normal.slow / normal.n + 0.25);
      expect(attacked.max).toBeLessThan(1000);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });
});

describe('no secrets in logs', () => {
  test('at debug level no request writes a key it carried, valid, revoked or made up', async () => {
    let output = '';
    const sink = new Writable({ write(chunk, _enc, cb) { output += chunk; cb(); } });
    const t = await startTestServer({ app: { logger: createLogger('debug', sink) } });
    try {
      const made = generateApiKey().key;
      const forms = new FormService(t.app.orm.em.fork());
      const form = (await forms.createForm({ name: 'Logged', ownerEmail: 'sales@test.example' })).formKey;
      const revokedForm = (await forms.createForm({ name: 'Revoked', ownerEmail: 'sales@test.example', redirectUrl: 'https://example.com/t' })).formKey;
      await forms.revokeForm({ key: revokedForm });
      const formKeys = [form, revokedForm, generateFormKey().key];
      const revoked = await t.createUser('MANAGER' as never);
      await t.db.query(`update api_key set revoked_at = now() where prefix = $1`, [revoked.key.split('_').slice(0, 2).join('_')]);
      for (const key of [t.users.admin.key, t.users.partner.key, made, revoked.key]) {
        await t.gql('{ me { id } }', undefined, { as: null, headers: { authorization: `Bearer ${key}`, 'idempotency-key': `idem-${key}`, cookie: `session=${key}` } });
        await t.gql('mutation { createLead(input: { topic: "", lastName: "" }) { userErrors { code } } }', undefined,
          { as: null, headers: { authorization: `Bearer ${key}`, 'idempotency-key': `idem2-${key}` } });
        await fetch(t.url.replace(/\/graphql$/, '/attachments/00000000-0000-4000-8000-000000000000'), { headers: { authorization: `Bearer ${key}` } });
        await fetch(t.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${key}` } });
      }
      // A form's key is in its URL: valid and invalid posts, a revoked and a made-up key, other
      // methods, other spellings of the path, and a fault of the service (logged at error, in full).
      const base = t.url.replace(/\/graphql$/, '');
      for (const key of formKeys) {
        const send = (p: string, init: RequestInit = {}) => fetch(`${base}${p}`, { method: 'POST', ...init });
        await send(`/forms/${key}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'lastName=Logged&email=l@log.example' });
        await send(`/forms/${key}?x=1`, { headers: { 'content-type': 'application/json' }, body: '{"lastName": ""}' });
        await send(`/forms/${key}`, { headers: { 'content-type': 'text/plain' }, body: 'x' });
        await send(`/forms/${key}/`, { method: 'OPTIONS', headers: { origin: 'https://site.example', 'access-control-request-method': 'POST' } });
        await send(`/FORMS/${key}`);
        await send(`/forms/${key}/more`);
      }
      await t.db.query(`alter table web_form rename to web_form_away`);
      try {
        await fetch(`${base}/forms/${form}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"lastName":"L"}' });
      } finally {
        await t.db.query(`alter table web_form_away rename to web_form`);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(output).toContain('"url":"/forms/[redacted]"');
      for (const key of formKeys) {
        expect(output).not.toContain(key.slice(4));
        expect(output).not.toContain(key.slice(4, 20)); // not even a part of the secret
      }
      expect(output).not.toMatch(/ldf_/);
      expect(output).toMatch(/"authorization":"\[redacted\]"/); // the lines are there, the keys are not
      for (const key of [t.users.admin.key, t.users.partner.key, made, revoked.key]) {
        expect(output).not.toContain(key);
        expect(output).not.toContain(key.slice(key.indexOf('_', 4) + 1)); // the secret alone (it may hold '_' itself)
      }
      expect(output).not.toMatch(/lds_/);
    } finally {
      await t.stop();
    }
  });
});

describe('inputs are bounded before the database', () => {
  test('a 51-character phone with an extension is a VALIDATION userError', async () => {
    // A well-formed phone (the pattern allows spaces around the extension) one over the column's 50.
    const phone = `+1 ${'5'.repeat(38)} x  123456`;
    expect(phone.length).toBe(51);
    const res = await s.gql(`mutation($p: String) { createLead(input: { topic: "T", lastName: "L", businessPhone: $p }) { lead { id } userErrors { code field } } }`,
      { p: phone });
    expect(res.errors).toBeUndefined();
    expect(res.data.createLead).toEqual({ lead: null, userErrors: [{ code: 'VALIDATION', field: ['input', 'businessPhone'] }] });
    const contact = await s.gql(`mutation($p: String) { createContact(input: { lastName: "L", businessPhone: $p }) { contact { id } userErrors { code field } } }`,
      { p: `+1 ${'5'.repeat(38)} ext 12345` });
    expect(contact.data.createContact.userErrors).toEqual([{ code: 'VALIDATION', field: ['input', 'businessPhone'] }]);
  });

  test('timestamps outside years 1..9999 are BAD_USER_INPUT, as a variable or in the document', async () => {
    const leadId = await createLead(s, s.users.sales);
    const activity = await s.gql(`mutation($input: LogActivityInput!) { logActivity(input: $input) { activity { id } } }`,
      { input: { leadId, kind: 'TASK', subject: 'x', dueAt: '0000-01-01T00:00:00Z' } });
    expect(activity.status).toBe(400);
    expect(activity.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const filter = await s.gql('query($t: DateTime) { leads(filter: { createdAfter: $t }) { totalCount } }', { t: '0000-06-01T00:00:00Z' });
    expect(filter.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const literal = await s.gql('{ leads(filter: { createdBefore: "0000-06-01T00:00:00Z" }) { totalCount } }');
    expect(literal.status).toBe(400);
    expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await s.gql('{ leads(filter: { createdAfter: "0001-01-01T00:00:00Z", createdBefore: "9999-12-31T23:59:59.999Z" }) { totalCount } }')).errors).toBeUndefined();
  });
});

describe('metrics labels come from the schema only', () => {
  const scrape = async () => (await fetch(s.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${s.users.admin.key}` } })).text();

  test('aliased userErrors fields, paths in other spellings and odd methods make no new series', async () => {
    await s.gql('mutation { createLead(input: { topic: "", lastName: "M" }) { userErrors { code: message } } }');
    await s.gql('mutation { createLead(input: { topic: "t", lastName: "M" }) { userErrors: lead { code: topic } } }');
    await s.gql('mutation { x: createLead(input: { topic: "", lastName: "M" }) { e: userErrors { c: code } } }');
    await s.gql('mutation { createLead(input: { topic: "", lastName: "M" }) { ... on CreateLeadPayload { userErrors { ...E } } } } fragment E on UserError { code }');
    const base = s.url.replace(/\/graphql$/, '');
    await fetch(`${base}/GRAPHQL`, { method: 'POST', headers: { authorization: `Bearer ${s.users.admin.key}` } });
    await fetch(`${base}/aTtAcHmEnTs/x`, { headers: { authorization: `Bearer ${s.users.admin.key}` } });
    await fetch(`${base}/graphql`, { method: 'PATCH', headers: { authorization: `Bearer ${s.users.admin.key}` } });
    const text = await scrape();
    const userErrors = text.split('\n').filter((l) => l.startsWith('leads_graphql_user_errors_total{field="createLead"'));
    expect(userErrors).toEqual([expect.stringMatching(/^leads_graphql_user_errors_total\{field="createLead",code="VALIDATION"\} 3$/)]);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    expect([...routes].every((r) => ['/graphql', '/attachments/:id', '/healthz', '/readyz', '/metrics', 'unmatched'].includes(r))).toBe(true);
    expect(text).not.toMatch(/"\/GRAPHQL|aTtAcH|PATCH|topic must/);
  });

  test('the same trick on createLead answers normally: the lead is created and reported', async () => {
    const res = await s.gql('mutation { createLead(input: { topic: "aliased", lastName: "M" }) { userErrors: lead { code: topic } } }');
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data.createLead.userErrors).toEqual({ code: 'aliased' });
  });
});

describe('in production', () => {
  let p: TestServer;
  beforeAll(async () => { p = await startTestServer({ config: { nodeEnv: 'production', introspection: false } }); });
  afterAll(async () => { await p?.stop(); });

  test('validation errors do not suggest field names', async () => {
    const res = await p.gql('{ me { nam } }');
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).not.toMatch(/Did you mean/);
    expect((await s.gql('{ me { nam } }')).errors?.[0].message).toMatch(/Did you mean/); // development still helps
  });

  test('there is no landing page: a browser GET needs a key', async () => {
    expect((await fetch(p.url, { headers: { accept: 'text/html' } })).status).toBe(401);
  });
});
