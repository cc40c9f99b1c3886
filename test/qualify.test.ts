import { randomUUID } from 'node:crypto';
import { dataStatements, startTestServer, type TestServer } from './support/server';
import { insertLeads, leadRows, QUALIFY, rowCounts, type LeadRow } from './support/lifecycle';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const qualify = (input: Record<string, unknown>, as = s.users.admin) =>
  s.gql(QUALIFY, { input: { currencyCode: 'USD', ...input } }, { as }).then((r) => {
    expect(r.errors).toBeUndefined();
    return r.data.qualifyLeads;
  });
const codes = (r: { userErrors: { code: string }[] }) => r.userErrors.map((e) => e.code);
const uniq = () => randomUUID().slice(0, 8);

describe('qualifying a lead', () => {
  test('creates an account, a contact under it and an opportunity, and marks the lead QUALIFIED', async () => {
    const co = `Contoso ${uniq()}`;
    const [id] = await insertLeads(s, s.users.sales, [{
      topic: 'Coffee machines', first_name: 'Nancy', last_name: 'Davolio', company_name: co, email: `nancy.${uniq()}@contoso.example`,
      job_title: 'Buyer', business_phone: '+1 425 555 0100', budget_amount: '100.00', budget_currency_code: 'EUR',
    }]);
    const out = await qualify({ leadIds: [id] }, s.users.sales);
    expect(out).toMatchObject({ qualifiedCount: 1, failedCount: 0, userErrors: [] });
    const r = out.results[0];
    expect(r).toMatchObject({
      leadId: id, accountCreated: true, contactCreated: true, userErrors: [],
      lead: { id, state: 'QUALIFIED', statusReason: 'QUALIFIED', version: 2 },
      account: { name: co }, contact: { fullName: 'Nancy Davolio' },
      opportunity: { name: 'Coffee machines', currencyCode: 'USD', estimatedValue: { amount: '108.70', currencyCode: 'USD' }, state: 'OPEN' },
    });
    expect(r.lead.qualifiedAt).toEqual(expect.any(String));

    const links = await s.gql(`query($id: ID!, $opp: ID!) {
      lead(id: $id) { qualifyingOpportunity { id } account { id originatingLead { id } } contact { id jobTitle businessPhone account { id } originatingLead { id } } }
      opportunity(id: $opp) { account { id } contact { id } originatingLead { id } owner { id } }
    }`, { id, opp: r.opportunity.id }, { as: s.users.sales });
    expect(links.data).toEqual({
      lead: {
        qualifyingOpportunity: { id: r.opportunity.id }, account: { id: r.account.id, originatingLead: { id } },
        contact: { id: r.contact.id, jobTitle: 'Buyer', businessPhone: '+1 425 555 0100', account: { id: r.account.id }, originatingLead: { id } },
      },
      opportunity: { account: { id: r.account.id }, contact: { id: r.contact.id }, originatingLead: { id }, owner: { id: s.users.sales.id } },
    });
  });

  test('converts the budget through the base currency, half-up to the cent, never through a float', async () => {
    const cases: [LeadRow, string, string | null][] = [
      [{ budget_amount: '100.00', budget_currency_code: 'EUR' }, 'USD', '108.70'], // 100 / 0.92
      [{ budget_amount: '0.03', budget_currency_code: 'USD' }, 'JPY', '4.55'], // 4.545: a float says 4.54
      [{ budget_amount: '1000.00', budget_currency_code: 'JPY' }, 'GBP', '5.21'], // 1000 / 151.5 × 0.79 = 5.2145…
      [{ budget_amount: '1.00', budget_currency_code: 'GBP' }, 'EUR', '1.16'], // 0.92 / 0.79 = 1.16455…
      [{ budget_amount: '1000000000000.00', budget_currency_code: 'USD' }, 'EUR', '920000000000.00'],
      [{ budget_amount: '12500.00', budget_currency_code: 'CHF' }, 'CHF', '12500.00'],
      [{}, 'USD', null],
    ];
    for (const [row, currencyCode, expected] of cases) {
      const [id] = await insertLeads(s, s.users.sales, [row]);
      const out = await qualify({ leadIds: [id], currencyCode });
      expect(out.results[0].userErrors).toEqual([]);
      expect(out.results[0].opportunity.estimatedValue).toEqual(expected === null ? null : { amount: expected, currencyCode });
      expect(out.results[0].opportunity.currencyCode).toBe(currencyCode);
    }
  });

  test('a converted value over 1e12 fails that lead with VALIDATION and writes nothing for it', async () => {
    const [big, ok] = await insertLeads(s, s.users.sales, [{ budget_amount: '1000000000000.00', budget_currency_code: 'USD' }, {}]);
    const before = await rowCounts(s);
    const out = await qualify({ leadIds: [big, ok], currencyCode: 'JPY' });
    expect(out.results.map(codes)).toEqual([['VALIDATION'], []]);
    expect(out.results[0].userErrors[0].field).toEqual(['input', 'leadIds', '0']);
    expect((await rowCounts(s)).opportunity).toBe(before.opportunity + 1);
  });

  test('links existingAccount and existingContact instead of creating', async () => {
    const contact = (await s.gql('mutation { createContact(input: { lastName: "Seed" }) { contact { id } } }')).data.createContact.contact.id;
    const account = randomUUID();
    await s.db.query("insert into account (id, name, name_normalized, created_at) values ($1, 'Linked Inc', 'linkedinc', now())", [account]);
    const [id] = await insertLeads(s, s.users.sales, [{ company_name: 'Other Co', email: 'x@y.example', existing_account_id: account, existing_contact_id: contact }]);
    const out = await qualify({ leadIds: [id], duplicateHandling: 'CREATE_NEW' });
    expect(out.results[0]).toMatchObject({ accountCreated: false, contactCreated: false, account: { id: account }, contact: { id: contact } });
    // records no lead had produced now name this lead as their origin
    const origins = await s.gql(`{ account(id: "${account}") { originatingLead { id } primaryContact { id } } contact(id: "${contact}") { originatingLead { id } } }`);
    expect(origins.data).toEqual({ account: { originatingLead: { id }, primaryContact: null }, contact: { originatingLead: { id } } });
    // a record another lead produced keeps its origin
    const [second] = await insertLeads(s, s.users.sales, [{ company_name: 'Else', existing_account_id: account, existing_contact_id: contact }]);
    await qualify({ leadIds: [second], duplicateHandling: 'CREATE_NEW' });
    const still = await s.gql(`{ account(id: "${account}") { originatingLead { id } } contact(id: "${contact}") { originatingLead { id } } }`);
    expect(still.data).toEqual({ account: { originatingLead: { id } }, contact: { originatingLead: { id } } });
  });

  test('a new account gets the new contact as its primary contact', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{ company_name: `Primary ${uniq()}`, email: `${uniq()}@primary.example` }]);
    const out = await qualify({ leadIds: [id] });
    const r = out.results[0];
    expect(r).toMatchObject({ accountCreated: true, contactCreated: true });
    const acc = await s.gql(`{ account(id: "${r.account.id}") { primaryContact { id } } }`);
    expect(acc.data.account.primaryContact).toEqual({ id: r.contact.id });
  });

  test('a new account that several leads of one call share names the first lead\'s contact as its primary contact', async () => {
    const tag = uniq();
    const ids = await insertLeads(s, s.users.sales, [
      { company_name: `Shared ${tag}`, email: `first.${tag}@shared.example` }, { company_name: `SHARED ${tag}`, email: `second.${tag}@shared.example` },
    ]);
    const out = await qualify({ leadIds: ids });
    const [first, second] = out.results;
    expect(second.account.id).toBe(first.account.id);
    expect(second.contact.id).not.toBe(first.contact.id);
    const acc = await s.gql(`{ account(id: "${first.account.id}") { primaryContact { id } } }`);
    expect(acc.data.account.primaryContact).toEqual({ id: first.contact.id });
  });

  test('createAccount, createContact and createOpportunity false create none of them', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{ company_name: `Skip ${uniq()}`, email: `${uniq()}@skip.example` }]);
    const before = await rowCounts(s);
    const out = await qualify({ leadIds: [id], createAccount: false, createContact: false, createOpportunity: false });
    expect(out.results[0]).toMatchObject({ userErrors: [], account: null, contact: null, opportunity: null, lead: { state: 'QUALIFIED' } });
    const after = await rowCounts(s);
    expect([after.account, after.contact, after.opportunity]).toEqual([before.account, before.contact, before.opportunity]);
  });

  test('writes text as typed: quotes, backslashes, question marks, placeholders and non-ASCII survive', async () => {
    const tag = uniq();
    const odd = { topic: `It's \\ a "deal"? $1 :x ?? ${tag}`, first_name: 'Zoë', last_name: "O'Brien\\", company_name: `O'Brien & Søn? \\ ${tag} 🚀`,
      email: `o'brien.${tag}+x?@example.com`, job_title: 'Head of \\n?' };
    const [id] = await insertLeads(s, s.users.sales, [odd]);
    const out = await qualify({ leadIds: [id] }, s.users.sales);
    const r = out.results[0];
    expect(r).toMatchObject({
      userErrors: [], account: { name: odd.company_name }, contact: { email: odd.email, fullName: `Zoë ${odd.last_name}` }, opportunity: { name: odd.topic },
    });
    const stored = await s.db.query(`select a.name, a.name_normalized, c.first_name, c.last_name, c.email, c.job_title, o.name as topic
      from opportunity o join account a on a.id = o.account_id join contact c on c.id = o.contact_id where o.id = $1`, [r.opportunity.id]);
    expect(stored.rows).toEqual([{
      name: odd.company_name, name_normalized: odd.company_name.toLowerCase().replace(/\s+/g, ''), first_name: 'Zoë', last_name: odd.last_name,
      email: odd.email, job_title: odd.job_title, topic: odd.topic,
    }]);
  });

  test('copies the stakeholders to the opportunity with their roles; notes and stakeholders stay on the lead', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{}]);
    const add = (role: string, lastName: string) => s.gql(`mutation($input: AddStakeholderInput!) { addStakeholder(input: $input) { stakeholder { id contact { id } } userErrors { code } } }`,
      { input: { leadId: id, newContact: { lastName }, role } }, { as: s.users.sales });
    const champion = (await add('CHAMPION', 'Champ')).data.addStakeholder.stakeholder;
    const buyer = (await add('ECONOMIC_BUYER', 'Buyer')).data.addStakeholder.stakeholder;
    const note = randomUUID();
    await s.db.query("insert into note (id, lead_id, text, author_id, created_at) values ($1, $2, 'Call back in May', $3, now())", [note, id, s.users.sales.id]);

    const out = await qualify({ leadIds: [id] }, s.users.sales);
    const opp = out.results[0].opportunity.id;
    const res = await s.gql(`query($id: ID!, $opp: ID!) {
      opportunity(id: $opp) { stakeholders { id role contact { id } } }
      lead(id: $id) { stakeholders { id role } }
    }`, { id, opp });
    expect(res.data.opportunity.stakeholders.map((x: any) => [x.role, x.contact.id])).toEqual([
      ['CHAMPION', champion.contact.id], ['ECONOMIC_BUYER', buyer.contact.id],
    ]);
    expect(res.data.opportunity.stakeholders.map((x: any) => x.id)).not.toContain(champion.id);
    expect(res.data.lead.stakeholders.map((x: any) => x.id)).toEqual([champion.id, buyer.id]);
    const rows = await s.db.query('select lead_id from stakeholder where opportunity_id = $1', [opp]);
    expect(rows.rows).toEqual([{ lead_id: null }, { lead_id: null }]);
    const notes = await s.db.query('select id, lead_id from note where lead_id = $1', [id]);
    expect(notes.rows).toEqual([{ id: note, lead_id: id }]);
  });
});

describe('duplicates', () => {
  test('LINK_EXISTING links an account by name ignoring case and spaces, a contact by email ignoring case, and shares what one call creates', async () => {
    const tag = uniq();
    const account = randomUUID();
    const contact = randomUUID();
    await s.db.query('insert into account (id, name, name_normalized, created_at) values ($1, $2, $3, now())', [account, `Fabrikam Ltd ${tag}`, `fabrikamltd${tag}`]);
    await s.db.query("insert into contact (id, last_name, email, created_at) values ($1, 'Fuller', $2, now())", [contact, `Andrew.${tag}@Fabrikam.example`]);
    const ids = await insertLeads(s, s.users.sales, [
      { company_name: `  fabrikam   LTD ${tag.toUpperCase()}`, email: `andrew.${tag}@fabrikam.EXAMPLE` },
      { company_name: `Northwind ${tag}`, email: `a.${tag}@northwind.example` },
      { company_name: `NORTHWIND ${tag}`, email: `A.${tag}@Northwind.example` },
    ]);
    const out = await qualify({ leadIds: ids });
    expect(out.results.map((r: any) => [r.accountCreated, r.contactCreated])).toEqual([[false, false], [true, true], [false, false]]);
    expect(out.results[0].account.id).toBe(account);
    expect(out.results[0].contact.id).toBe(contact);
    expect(out.results[2].account.id).toBe(out.results[1].account.id);
    expect(out.results[2].contact.id).toBe(out.results[1].contact.id);
    const n = await s.db.query('select count(*)::int as n from account where name_normalized = $1', [`northwind${tag}`]);
    expect(n.rows[0].n).toBe(1);
  });

  test('CREATE_NEW always creates', async () => {
    const tag = uniq();
    await s.db.query('insert into account (id, name, name_normalized, created_at) values ($1, $2, $3, now())', [randomUUID(), `Adatum ${tag}`, `adatum${tag}`]);
    const ids = await insertLeads(s, s.users.sales, [
      { company_name: `Adatum ${tag}`, email: `x.${tag}@adatum.example` }, { company_name: `adatum ${tag}`, email: `X.${tag}@adatum.example` },
    ]);
    const out = await qualify({ leadIds: ids, duplicateHandling: 'CREATE_NEW' });
    expect(out.results.map((r: any) => [r.accountCreated, r.contactCreated])).toEqual([[true, true], [true, true]]);
    const n = await s.db.query('select count(*)::int as n from account where name_normalized = $1', [`adatum${tag}`]);
    expect(n.rows[0].n).toBe(3);
  });

  test('FAIL gives DUPLICATE_RECORD to the leads with a duplicate and qualifies the others', async () => {
    const tag = uniq();
    await s.db.query('insert into account (id, name, name_normalized, created_at) values ($1, $2, $3, now())', [randomUUID(), `Litware ${tag}`, `litware${tag}`]);
    await s.db.query("insert into contact (id, last_name, email, created_at) values ($1, 'Known', $2, now())", [randomUUID(), `known.${tag}@x.example`]);
    const ids = await insertLeads(s, s.users.sales, [
      { company_name: `LITWARE ${tag}` },
      { email: `KNOWN.${tag}@x.example` },
      { company_name: `Fresh ${tag}`, email: `fresh.${tag}@x.example` },
      { company_name: `fresh ${tag}` }, // a duplicate of what the lead before it creates
    ]);
    const before = await rowCounts(s);
    const out = await qualify({ leadIds: ids, duplicateHandling: 'FAIL' });
    expect(out.results.map(codes)).toEqual([['DUPLICATE_RECORD'], ['DUPLICATE_RECORD'], [], ['DUPLICATE_RECORD']]);
    expect(out).toMatchObject({ qualifiedCount: 1, failedCount: 3 });
    const after = await rowCounts(s);
    expect(after.account - before.account).toBe(1);
    expect(after.opportunity - before.opportunity).toBe(1);
    const states = await s.db.query('select id, state, version from lead where id = any($1)', [ids]);
    expect(states.rows.filter((r) => r.state === 'OPEN' && r.version === 1)).toHaveLength(3);
  });
});

describe('allOrNone and dryRun', () => {
  test('allOrNone: one failing lead rolls back all, and every result carries the reason', async () => {
    const ids = await insertLeads(s, s.users.sales, [{ company_name: `AON ${uniq()}` }, { state: 'DISQUALIFIED', status_reason: 'LOST' }, {}]);
    const before = await rowCounts(s);
    const rows = await leadRows(s, ids);
    const out = await qualify({ leadIds: ids, allOrNone: true });
    expect(out).toMatchObject({ qualifiedCount: 0, failedCount: 3, userErrors: [] });
    expect(out.results.map(codes)).toEqual([['LEAD_NOT_OPEN'], ['LEAD_NOT_OPEN'], ['LEAD_NOT_OPEN']]);
    expect(out.results[0].userErrors[0].field).toEqual(['input', 'leadIds', '1']);
    expect(out.results.map((r: any) => r.opportunity)).toEqual([null, null, null]);
    expect(await rowCounts(s)).toEqual(before);
    expect(await leadRows(s, ids)).toEqual(rows);
  });

  test('dryRun changes no row and predicts exactly what the real call then does', async () => {
    const tag = uniq();
    const account = randomUUID();
    await s.db.query('insert into account (id, name, name_normalized, created_at) values ($1, $2, $3, now())', [account, `Dry ${tag}`, `dry${tag}`]);
    const ids = await insertLeads(s, s.users.sales, [
      { company_name: `dry ${tag}`, email: `a.${tag}@dry.example` },
      { company_name: `Wet ${tag}`, email: `b.${tag}@wet.example` },
      { company_name: `WET ${tag}`, email: `B.${tag}@wet.example` },
      { state: 'QUALIFIED', status_reason: 'QUALIFIED' },
    ]);
    const foreign = await insertLeads(s, s.users.sales2, [{}]);
    const leadIds = [...ids, foreign[0], 'not-a-uuid'];
    const before = await rowCounts(s);
    const rows = await leadRows(s, [...ids, ...foreign]);
    const dry = await qualify({ leadIds, dryRun: true }, s.users.sales);
    expect(await rowCounts(s)).toEqual(before);
    expect(await leadRows(s, [...ids, ...foreign])).toEqual(rows);
    expect(dry.results.map((r: any) => r.opportunity)).toEqual([null, null, null, null, null, null]);
    expect(dry.results[0].account).toEqual({ id: account, name: `Dry ${tag}` });

    const real = await qualify({ leadIds }, s.users.sales);
    const summary = (out: any) => ({
      counts: [out.qualifiedCount, out.failedCount],
      results: out.results.map((r: any) => ({
        leadId: r.leadId, codes: codes(r), accountCreated: r.accountCreated, contactCreated: r.contactCreated,
        linksExisting: r.account?.id === account, lead: r.lead?.id ?? null,
      })),
    });
    expect(summary(dry)).toEqual(summary(real));
    expect(summary(real).results.map((r: any) => r.codes)).toEqual([[], [], [], ['LEAD_NOT_OPEN'], ['FORBIDDEN'], ['NOT_FOUND']]);
    expect((await rowCounts(s)).opportunity).toBe(before.opportunity + 3);
  });
});

describe('who may qualify, and bad input', () => {
  test('a SALESPERSON qualifies its own leads; foreign ones are FORBIDDEN, unknown ones NOT_FOUND', async () => {
    const own = await insertLeads(s, s.users.sales, [{}, {}]);
    const [foreign] = await insertLeads(s, s.users.sales2, [{}]);
    const out = await qualify({ leadIds: [own[0], foreign, randomUUID(), own[1]] }, s.users.sales);
    expect(out.results.map(codes)).toEqual([[], ['FORBIDDEN'], ['NOT_FOUND'], []]);
    expect(out.results[1].lead).toMatchObject({ id: foreign, state: 'OPEN' });
    expect(out.results[2].lead).toBeNull();
    expect(out).toMatchObject({ qualifiedCount: 2, failedCount: 2 });
  });

  test('a MANAGER qualifies anyone\'s leads; a PARTNER may not run qualifyLeads at all', async () => {
    const [id] = await insertLeads(s, s.users.sales2, [{}]);
    const res = await s.gql(QUALIFY, { input: { leadIds: [id], currencyCode: 'USD' } }, { as: s.users.partner });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await qualify({ leadIds: [id] }, s.users.manager)).qualifiedCount).toBe(1);
  });

  test('refuses the whole call for empty, oversized or repeating leadIds and for an unknown currency, writing nothing', async () => {
    const ids = await insertLeads(s, s.users.sales, [{}, {}]);
    const before = await rowCounts(s);
    const cases: [Record<string, unknown>, string, string[][]][] = [
      [{ leadIds: [] }, 'VALIDATION', [['input', 'leadIds']]],
      [{ leadIds: [ids[0], ids[1], ids[0], ids[0]] }, 'VALIDATION', [['input', 'leadIds', '2'], ['input', 'leadIds', '3']]],
      [{ leadIds: ids, currencyCode: 'XYZ' }, 'UNKNOWN_CURRENCY', [['input', 'currencyCode']]],
      [{ leadIds: ids, currencyCode: 'usd' }, 'UNKNOWN_CURRENCY', [['input', 'currencyCode']]],
      [{ leadIds: ids, currencyCode: '' }, 'UNKNOWN_CURRENCY', [['input', 'currencyCode']]],
    ];
    for (const [input, code, fields] of cases) {
      const out = await qualify(input);
      expect(out.userErrors.map((e: any) => e.code)).toEqual(fields.map(() => code));
      expect(out.userErrors.map((e: any) => e.field)).toEqual(fields);
      expect(out).toMatchObject({ results: [], qualifiedCount: 0, failedCount: 0 });
    }
    expect(await rowCounts(s)).toEqual(before);
  });

  test('an id in upper case names the same lead, also when checking for repeats', async () => {
    const [id, other] = await insertLeads(s, s.users.sales, [{}, {}]);
    const repeated = await qualify({ leadIds: [id, id.toUpperCase()], dryRun: true });
    expect(repeated.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'leadIds', '1'] })]);
    const out = await qualify({ leadIds: [other.toUpperCase()] });
    expect(out.results[0]).toMatchObject({ userErrors: [], lead: { id: other, state: 'QUALIFIED' } });
  });

  test('more than 1000 ids is refused as a whole, a top-level BAD_USER_INPUT, before anything runs', async () => {
    const before = await rowCounts(s);
    s.resetSql();
    const res = await s.gql(QUALIFY, { input: { leadIds: Array.from({ length: 1001 }, () => randomUUID()), currencyCode: 'USD' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/1000/);
    expect(res.data).toBeNull();
    expect(s.sql.filter((q) => !/api_key/.test(q))).toEqual([]);
    expect(await rowCounts(s)).toEqual(before);
  });
});

test('20 concurrent calls over the same 50 leads qualify each lead exactly once', async () => {
  const ids = await insertLeads(s, s.users.sales, Array.from({ length: 50 }, (_, i) => ({ company_name: `Race ${i % 5}`, email: `race${i % 7}@race.example` })));
  const calls = Array.from({ length: 20 }, (_, c) => {
    const order = [...ids].sort(() => (c % 2 ? 1 : -1) * (Math.random() - 0.5));
    return qualify({ leadIds: order }, c % 2 ? s.users.sales : s.users.manager);
  });
  const outs = await Promise.all(calls);
  const wins = new Map<string, number>();
  for (const out of outs) {
    expect(out.qualifiedCount + out.failedCount).toBe(50);
    for (const r of out.results) {
      if (r.userErrors.length === 0) wins.set(r.leadId, (wins.get(r.leadId) ?? 0) + 1);
      else expect(codes(r)).toEqual(['LEAD_NOT_OPEN']);
    }
  }
  expect(outs.reduce((n, o) => n + o.qualifiedCount, 0)).toBe(50);
  expect([...wins.values()].every((n) => n === 1)).toBe(true);
  expect(wins.size).toBe(50);
  const opps = await s.db.query('select originating_lead_id, count(*)::int as n from opportunity where originating_lead_id = any($1) group by 1', [ids]);
  expect(opps.rows).toHaveLength(50);
  expect(opps.rows.every((r) => r.n === 1)).toBe(true);
  const accounts = await s.db.query("select name_normalized, count(*)::int as n from account where name_normalized like 'race%' group by 1");
  expect(accounts.rows.every((r) => r.n === 1)).toBe(true);
  expect(accounts.rows).toHaveLength(5);
  const contacts = await s.db.query("select lower(email) as e, count(*)::int as n from contact where email like 'race%' group by 1");
  expect(contacts.rows.every((r) => r.n === 1)).toBe(true);
  expect(contacts.rows).toHaveLength(7);
});

test('qualifying 10 and 1000 leads issues the same number of SQL statements', async () => {
  const count = async (n: number) => {
    const tag = uniq();
    const ids = await insertLeads(s, s.users.sales, Array.from({ length: n }, (_, i) => ({
      company_name: `Bulk ${tag} ${i}`, email: `bulk.${tag}.${i}@x.example`, budget_amount: '1000.00', budget_currency_code: 'EUR',
    })));
    // Two leads have stakeholders, so that the copying statement runs too.
    const contact = randomUUID();
    await s.db.query("insert into contact (id, last_name, created_at) values ($1, 'Stake', now())", [contact]);
    await s.db.query("insert into stakeholder (id, lead_id, contact_id, role, created_at) values ($1, $2, $3, 'CHAMPION', now()), ($4, $5, $3, 'END_USER', now())",
      [randomUUID(), ids[0], contact, randomUUID(), ids[1]]);
    s.resetSql();
    const out = await qualify({ leadIds: ids }, s.users.sales);
    expect(out.qualifiedCount).toBe(n);
    // The API key's lookup is authentication's, cached or not; the rest is qualify's.
    const sql = s.sql.filter((q) => !/api_key/.test(q));
    return { statements: dataStatements(sql).length, all: sql.length };
  };
  const small = await count(10);
  const large = await count(1000);
  expect(large.statements).toBe(small.statements);
  expect(large.all).toBe(small.all);
  // Currencies, the locked leads, advisory locks, accounts, contacts and opportunities read;
  // one insert of the new accounts, contacts and opportunities; the lead update and its audit
  // entries; the stakeholder copy.
  expect(small.statements).toBe(10);
});

test('qualifying 10 and 1000 leads with overrides issues the same number of SQL statements', async () => {
  const accounts = await s.db.query(`insert into account (id, name, name_normalized, created_at)
    values (gen_random_uuid(), 'Override A', 'overridea', now()), (gen_random_uuid(), 'Override B', 'overrideb', now()) returning id`);
  const contact = randomUUID();
  await s.db.query("insert into contact (id, last_name, created_at) values ($1, 'Linked', now())", [contact]);
  const count = async (n: number) => {
    const tag = uniq();
    const ids = await insertLeads(s, s.users.sales, Array.from({ length: n }, (_, i) => ({
      company_name: `Override ${tag} ${i}`, email: `override.${tag}.${i}@x.example`, budget_amount: '1000.00', budget_currency_code: 'EUR',
    })));
    const stake = randomUUID();
    await s.db.query("insert into contact (id, last_name, created_at) values ($1, 'Stake', now())", [stake]);
    await s.db.query("insert into stakeholder (id, lead_id, contact_id, role, created_at) values ($1, $2, $3, 'CHAMPION', now())", [randomUUID(), ids[0], stake]);
    // Every lead is overridden: an existing account (one of two), every other one an existing
    // contact too, its own opportunity name and another owner.
    const overrides = ids.map((leadId, i) => ({
      leadId, accountId: accounts.rows[i % 2].id, ...(i % 2 ? { contactId: contact } : {}),
      opportunityName: `Deal ${i}`, opportunityOwnerId: s.users.manager.id,
    }));
    s.resetSql();
    const out = await qualify({ leadIds: ids, overrides }, s.users.sales);
    expect(out.qualifiedCount).toBe(n);
    expect(out.results[1]).toMatchObject({ account: { id: accounts.rows[1].id }, contact: { id: contact }, opportunity: { name: 'Deal 1' } });
    const sql = s.sql.filter((q) => !/api_key/.test(q));
    return { statements: dataStatements(sql).length, all: sql.length };
  };
  const small = await count(10);
  const large = await count(1000);
  expect(large.statements).toBe(small.statements);
  expect(large.all).toBe(small.all);
});
