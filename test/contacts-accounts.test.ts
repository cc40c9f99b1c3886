import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) {
  contact { id firstName lastName fullName email jobTitle businessPhone account { id name } originatingLead { id } }
  userErrors { code field message } } }`;

async function account(name: string): Promise<string> {
  const res = await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), $1::text, lower(regexp_replace($1::text, '\\s+', '', 'g')), now()) returning id`, [name]);
  return res.rows[0].id;
}

describe('createContact', () => {
  test('creates a contact, optionally under an account', async () => {
    const acc = await account('Contoso Ltd');
    const res = await s.gql(CREATE, { input: { lastName: ' Wong ', firstName: 'Ann', email: 'ann@contoso.example', jobTitle: 'CFO', businessPhone: '+1 425 555 0101', accountId: acc } });
    expect(res.data.createContact).toEqual({ userErrors: [], contact: { id: expect.any(String), firstName: 'Ann', lastName: 'Wong', fullName: 'Ann Wong',
      email: 'ann@contoso.example', jobTitle: 'CFO', businessPhone: '+1 425 555 0101', account: { id: acc, name: 'Contoso Ltd' }, originatingLead: null } });
    expect((await s.gql(`{ contact(id: "${res.data.createContact.contact.id}") { fullName } }`)).data.contact).toEqual({ fullName: 'Ann Wong' });
  });

  test.each<[string, Record<string, unknown>, string[], string]>([
    ['blank lastName', { lastName: ' ' }, ['input', 'lastName'], 'VALIDATION'],
    ['lastName over 50', { lastName: 'x'.repeat(51) }, ['input', 'lastName'], 'VALIDATION'],
    ['firstName over 50', { lastName: 'X', firstName: 'x'.repeat(51) }, ['input', 'firstName'], 'VALIDATION'],
    ['malformed email', { lastName: 'X', email: 'x@' }, ['input', 'email'], 'VALIDATION'],
    ['phone with letters', { lastName: 'X', businessPhone: 'abc' }, ['input', 'businessPhone'], 'VALIDATION'],
    ['unknown account', { lastName: 'X', accountId: '00000000-0000-4000-8000-000000000000' }, ['input', 'accountId'], 'NOT_FOUND'],
  ])('%s is refused and nothing is written', async (_n, input, field, code) => {
    const before = Number((await s.db.query('select count(*) from contact')).rows[0].count);
    const res = await s.gql(CREATE, { input: { lastName: 'Valid', ...input } });
    expect(res.data.createContact).toEqual({ contact: null, userErrors: [expect.objectContaining({ code, field })] });
    expect(Number((await s.db.query('select count(*) from contact')).rows[0].count)).toBe(before);
  });
});

describe('lookups', () => {
  beforeAll(async () => {
    for (const [first, last, email] of [['Zoe', 'Adams', 'zoe@fabrikam.example'], ['Yann', 'adams', null], ['Xi', 'Baker', 'xi@contoso.example'],
      [null, 'Carter', 'c@northwind.example'], ['Wei', 'Diaz', null]]) {
      await s.gql(CREATE, { input: { firstName: first, lastName: last, email } });
    }
    for (const name of ['Fabrikam', 'adventure works', 'Contoso Coffee', 'Northwind Traders', 'Blue Yonder']) await account(name);
  });

  test('contacts are listed by last then first name, and search matches names and email', async () => {
    const page = await s.gql('{ contacts(first: 100, search: "a") { totalCount nodes { fullName } } }');
    const names = page.data.contacts.nodes.map((n: any) => n.fullName);
    expect(names.indexOf('Yann adams')).toBeLessThan(names.indexOf('Zoe Adams'));
    expect(names.indexOf('Zoe Adams')).toBeLessThan(names.indexOf('Xi Baker'));
    const byEmail = await s.gql('{ contacts(search: "FABRIKAM") { nodes { fullName } } }');
    expect(byEmail.data.contacts.nodes).toEqual([{ fullName: 'Zoe Adams' }]);
    const byName = await s.gql('{ contacts(search: "wei diaz") { nodes { fullName } } }');
    expect(byName.data.contacts.nodes).toEqual([{ fullName: 'Wei Diaz' }]);
  });

  test('contacts page through every row once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await s.gql('query($after: String) { contacts(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', { after });
      seen.push(...res.data.contacts.nodes.map((n: any) => n.id));
      if (!res.data.contacts.pageInfo.hasNextPage) break;
      after = res.data.contacts.pageInfo.endCursor;
    }
    const total = Number((await s.db.query('select count(*) from contact')).rows[0].count);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  test('accounts are listed by name and searched case-insensitively', async () => {
    const all = await s.gql('{ accounts(first: 100) { totalCount nodes { name } } }');
    const names = all.data.accounts.nodes.map((n: any) => n.name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const found = await s.gql('{ accounts(search: "cOfFeE") { totalCount nodes { name } } }');
    expect(found.data.accounts).toEqual({ totalCount: 1, nodes: [{ name: 'Contoso Coffee' }] });
  });

  test('search folds case beyond ASCII', async () => {
    await account('ÄRZTE Übermann');
    await s.gql('mutation { createContact(input: { lastName: "ÖZTÜRK", email: "ÜMIT@beispiel.example" }) { contact { id } } }');
    expect((await s.gql('{ accounts(search: "ärzte über") { nodes { name } } }')).data.accounts.nodes).toEqual([{ name: 'ÄRZTE Übermann' }]);
    expect((await s.gql('{ contacts(search: "öztürk") { nodes { lastName } } }')).data.contacts.nodes).toEqual([{ lastName: 'ÖZTÜRK' }]);
    expect((await s.gql('{ contacts(search: "ümit@BEISPIEL") { nodes { lastName } } }')).data.contacts.nodes).toEqual([{ lastName: 'ÖZTÜRK' }]);
  });

  test('runs of white space in names and in the search match one space', async () => {
    await account('Wide   Spaced\tCo');
    const found = await s.gql('{ accounts(search: "  wide spaced  co ") { nodes { name } } }');
    expect(found.data.accounts.nodes).toEqual([{ name: 'Wide   Spaced\tCo' }]);
    await s.gql('mutation { createLead(input: { topic: "Spacing", lastName: "L", companyName: "Tail   Spin" }) { lead { id } } }');
    const lead = await s.gql('{ leads(filter: { search: "tail spin" }) { nodes { companyName } } }');
    expect(lead.data.leads.nodes).toEqual([{ companyName: 'Tail   Spin' }]);
  });

  test('unknown ids are null; out-of-range pages and long searches are BAD_USER_INPUT', async () => {
    expect((await s.gql('{ contact(id: "00000000-0000-4000-8000-000000000000") { id } account(id: "x") { id } }')).data).toEqual({ contact: null, account: null });
    for (const q of ['{ contacts(first: 101) { totalCount } }', '{ accounts(first: 0) { totalCount } }', `{ accounts(search: "${'y'.repeat(101)}") { totalCount } }`]) {
      expect((await s.gql(q)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('currencies', () => {
  test('the reference currencies, base first, rates as decimal strings', async () => {
    const res = await s.gql('{ currencies { code name symbol isBase exchangeRate } }', undefined, { as: s.users.partner });
    const list = res.data.currencies;
    expect(list.map((c: any) => c.code)).toEqual(['USD', 'AUD', 'CAD', 'CHF', 'EUR', 'GBP', 'INR', 'JPY']);
    expect(list[0]).toEqual({ code: 'USD', name: 'US Dollar', symbol: '$', isBase: true, exchangeRate: '1' });
    expect(list.filter((c: any) => c.isBase)).toHaveLength(1);
    for (const c of list) expect(c.exchangeRate).toMatch(/^\d+(\.\d+)?$/);
    expect(list.find((c: any) => c.code === 'EUR').exchangeRate).toBe('0.92');
  });

  test('the database refuses a second base currency and a non-positive rate', async () => {
    await expect(s.db.query(`insert into currency values ('XAU', 'Gold', 'Au', true, 1)`)).rejects.toThrow(/currency_single_base/);
    await expect(s.db.query(`insert into currency values ('XAG', 'Silver', 'Ag', false, 0)`)).rejects.toThrow(/currency_exchange_rate_check/);
  });
});

describe('database guards', () => {
  test('a lead cannot hold a budget above 1e12, an impossible state pair, or a budget without currency', async () => {
    const owner = s.users.admin.id;
    const insert = (extra: string, values: string) => s.db.query(
      `insert into lead (id, topic, last_name, owner_id, created_by_id, created_at, updated_at${extra}) values (gen_random_uuid(), 'T', 'L', $1, $1, now(), now()${values})`, [owner]);
    await expect(insert(', budget_amount, budget_currency_code', ", 1000000000000.01, 'USD'")).rejects.toThrow(/budget_amount_check|overflow/);
    await expect(insert(', budget_amount', ', 10')).rejects.toThrow(/lead_budget_currency_check/);
    await expect(insert(', state, status_reason', ", 'OPEN', 'LOST'")).rejects.toThrow(/lead_state_status_check/);
    await expect(insert(', rating', ", 'LUKEWARM'")).rejects.toThrow(/rating_check/);
  });
});
