import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.users.admin.key}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('operation limits', () => {
  test('depth over 10 is QUERY_TOO_COMPLEX and touches no data', async () => {
    // lead → existingContact → account → primaryContact → account → … nests as deep as we like
    let sel = 'id';
    for (let i = 0; i < 5; i++) sel = `account { primaryContact { ${sel} } }`;
    s.resetSql();
    const res = await s.gql(`{ lead(id: "00000000-0000-4000-8000-000000000000") { existingContact { ${sel} } } }`);
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors?.[0].message).toMatch(/depth/i);
    expect(res.status).toBe(400);
    expect(s.sql.filter((q) => !/api_key/.test(q))).toEqual([]);
  });

  test('depth 10 is allowed', async () => {
    const res = await s.gql('{ lead(id: "00000000-0000-4000-8000-000000000000") { existingContact { account { primaryContact { account { primaryContact { account { primaryContact { account { id } } } } } } } } } }');
    expect(res.errors).toBeUndefined();
  });

  test('more than 15 aliases is QUERY_TOO_COMPLEX; 15 is fine', async () => {
    const q = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await s.gql(q(15))).errors).toBeUndefined();
    const res = await s.gql(q(16));
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors?.[0].message).toMatch(/alias/i);
  });

  test('the cost limit multiplies page sizes and refuses huge nested pages before running', async () => {
    const cheap = await s.gql('{ leads(first: 100) { nodes { id topic owner { name } } } }');
    expect(cheap.errors).toBeUndefined();
    s.resetSql();
    const fields = 'id topic firstName lastName fullName jobTitle companyName email businessPhone mobilePhone website industry source rating description state statusReason version createdAt updatedAt owner { id name email } budget { amount currencyCode }';
    const res = await s.gql(`{ ${[1, 2, 3, 4].map((i) => `l${i}: leads(first: 100) { nodes { ${fields} } }`).join(' ')} }`);
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors?.[0].message).toMatch(/cost/);
    expect(s.sql.filter((q) => !/api_key/.test(q))).toEqual([]);
  });

  test('plain lists nested in pages count too', async () => {
    const sel = 'stakeholders { id role createdAt contact { id firstName lastName fullName email jobTitle businessPhone } }';
    expect((await s.gql(`{ leads(first: 100) { nodes { ${sel} } } }`)).errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await s.gql(`{ leads(first: 20) { nodes { ${sel} } } }`)).errors).toBeUndefined();
  });

  test('one document costs what its variables make it cost, every time it is sent', async () => {
    const sel = 'stakeholders { id role createdAt contact { id firstName lastName fullName email jobTitle businessPhone } }';
    const query = `query($n: Int, $m: Int) { leads(first: $n) { nodes { ${sel} } } other: leads(first: $m) { totalCount } }`;
    for (let round = 0; round < 2; round++) {
      expect((await s.gql(query, { n: 20, m: 1 })).errors).toBeUndefined();
      const big = await s.gql(query, { n: 100, m: 1 });
      expect(big.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      const named = await s.gql(query, { m: 1, n: 100 });
      expect(named.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect((await s.gql(query, { n: 1000, m: 1 })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  test('HTTP batching is off', async () => {
    const res = await post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(res.status).toBe(400);
  });

  test('a body over 4 MiB is refused; just under is read', async () => {
    const big = await post({ query: '{ me { id } }', variables: { pad: 'x'.repeat(4 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    expect((await big.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const ok = await post({ query: '{ me { id } }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } });
    expect(ok.status).toBe(200);
  });

  test('malformed JSON is a clear 400', async () => {
    const res = await post('{"query": ');
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('errors', () => {
  test('an internal fault is masked, carries the request id, and the id comes back as a header', async () => {
    await s.db.query('alter table currency rename to currency_gone');
    try {
      const res = await post({ query: '{ currencies { code } }' }, { 'x-request-id': 'req-1234' });
      const body = await res.json();
      expect(res.headers.get('x-request-id')).toBe('req-1234');
      expect(body.errors).toEqual([expect.objectContaining({
        message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1234' } })]);
      expect(JSON.stringify(body)).not.toMatch(/currency_gone|relation|select/i);
    } finally {
      await s.db.query('alter table currency_gone rename to currency');
    }
  });

  test('every response gets a request id; unsafe ones are replaced', async () => {
    const res = await post({ query: '{ me { id } }' }, { 'x-request-id': 'bad id with spaces' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('GraphQL validation errors name the problem', async () => {
    const res = await s.gql('{ lead(id: "x") { nope } }');
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/nope/);
  });
});

describe('throttling', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer({ rateLimitPerMinute: 5 }); });
  afterAll(async () => { await t?.stop(); });

  test('past the per-key limit requests get THROTTLED with 429 and retry information', async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await t.gql('{ me { id } }', undefined, { as: t.users.sales }));
    expect(results.slice(0, 5).every((r) => r.status === 200)).toBe(true);
    const limited = results[6];
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0].extensions?.code).toBe('THROTTLED');
    expect(limited.headers.get('ratelimit') ?? limited.headers.get('ratelimit-policy')).toBeTruthy();
    // another key has its own budget
    expect((await t.gql('{ me { id } }', undefined, { as: t.users.manager })).status).toBe(200);
  });
});

describe('variables', () => {
  test('a variable that does not fit its type is BAD_USER_INPUT, not an internal error', async () => {
    const res = await s.gql('query($f: LeadFilter) { leads(filter: $f) { totalCount } }', { f: { rating: ['LUKEWARM'] } });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/LUKEWARM/);
  });
});

describe('NUL characters', () => {
  test('in any input string they are a VALIDATION userError naming the field, and nothing is written', async () => {
    const res = await s.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { code field } } }`,
      { input: { topic: 'a\u0000b', lastName: 'L', address: { city: 'c\u0000' } } });
    expect(res.errors).toBeUndefined();
    expect(res.data.createLead.lead).toBeNull();
    expect(res.data.createLead.userErrors).toEqual(expect.arrayContaining([
      { code: 'VALIDATION', field: ['input', 'topic'] }, { code: 'VALIDATION', field: ['input', 'address', 'city'] }]));
    const lead = await s.gql('mutation { createLead(input: { topic: "T", lastName: "L" }) { lead { id } } }');
    const note = await s.gql(`mutation($input: AddNoteInput!) { addNote(input: $input) { note { id } userErrors { code field } } }`,
      { input: { leadId: lead.data.createLead.lead.id, text: 'x\u0000' } });
    expect(note.data.addNote).toEqual({ note: null, userErrors: [{ code: 'VALIDATION', field: ['input', 'text'] }] });
  });

  test('in a search or a cursor they are BAD_USER_INPUT', async () => {
    const search = await s.gql('query($q: String) { leads(filter: { search: $q }) { totalCount } }', { q: 'a\u0000b' });
    expect(search.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const forged = Buffer.from(JSON.stringify(['lead:TOPIC:ASC', 'a\u0000', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const cursor = await s.gql('query($a: String) { leads(after: $a, orderBy: { field: TOPIC, direction: ASC }) { totalCount } }', { a: forged });
    expect(cursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('text PostgreSQL cannot store', () => {
  test('a lone surrogate in an input string is a VALIDATION userError naming the field', async () => {
    const res = await s.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { code field message } } }`,
      { input: { topic: '\ud800x', lastName: 'L', companyName: 'ok \ud83d\ude00' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.createLead.userErrors).toEqual([{ code: 'VALIDATION', field: ['input', 'topic'], message: expect.stringMatching(/Unicode/) }]);
    const search = await s.gql('query($q: String) { contacts(search: $q) { totalCount } }', { q: 'a\udc00' });
    expect(search.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  // isEmail (class-validator) calls encodeURI, which throws on a lone surrogate: it was a masked
  // INTERNAL_SERVER_ERROR. Such text is refused before any rule runs, whatever the field.
  test.each([
    ['createLead email', 'mutation($input: CreateLeadInput!) { createLead(input: $input) { userErrors { code field message } } }',
      { topic: 'T', lastName: 'L', email: 'a\ud800@example.com' }, ['input', 'email']],
    ['createLead website', 'mutation($input: CreateLeadInput!) { createLead(input: $input) { userErrors { code field message } } }',
      { topic: 'T', lastName: 'L', website: 'https://x\udc00.example' }, ['input', 'website']],
    ['createLead businessPhone with NUL', 'mutation($input: CreateLeadInput!) { createLead(input: $input) { userErrors { code field message } } }',
      { topic: 'T', lastName: 'L', businessPhone: '+1 555\u0000' }, ['input', 'businessPhone']],
    ['createContact email', 'mutation($input: CreateContactInput!) { createContact(input: $input) { userErrors { code field message } } }',
      { lastName: 'L', email: '\udfffa@example.com' }, ['input', 'email']],
    ['createContact lastName', 'mutation($input: CreateContactInput!) { createContact(input: $input) { userErrors { code field message } } }',
      { lastName: 'L\ud83d' }, ['input', 'lastName']],
  ])('a lone surrogate or NUL in %s is VALIDATION, not an internal error', async (_n, query, input, field) => {
    const res = await s.gql(query, { input });
    expect(res.errors).toBeUndefined();
    const payload = Object.values(res.data as Record<string, { userErrors: unknown[] }>)[0];
    expect(payload.userErrors).toEqual([{ code: 'VALIDATION', field, message: expect.stringMatching(/Unicode|NUL/) }]);
  });
});

describe('tampered cursors', () => {
  const enc = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const uuid = '00000000-0000-4000-8000-000000000000';
  test.each([
    ['a non-date for CREATED_AT', 'CREATED_AT', 'DESC', ['garbage', uuid]],
    ['a null', 'CREATED_AT', 'DESC', [null, uuid]],
    ['a non-id', 'CREATED_AT', 'DESC', ['2020-01-01T00:00:00Z', 'not-a-uuid']],
    ['text for RATING', 'RATING', 'DESC', ['abc', uuid]],
    ['a huge number for RATING', 'RATING', 'DESC', [1e300, uuid]],
    ['a year PostgreSQL cannot hold', 'CREATED_AT', 'ASC', ['+275760-09-13T00:00:00.000Z', uuid]],
  ])('%s is BAD_USER_INPUT', async (_n, field, direction, values) => {
    const res = await s.gql('query($a: String, $o: LeadOrder) { leads(after: $a, orderBy: $o) { totalCount } }',
      { a: enc([`lead:${field}:${direction}`, ...(values as unknown[])]), o: { field, direction } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
