import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const LEAD_FIELDS = `id topic firstName lastName fullName jobTitle companyName email businessPhone mobilePhone website
  address { line1 line2 city stateOrProvince postalCode country } industry preferredContactMethod source rating
  description budget { amount currencyCode } purchaseTimeframe purchaseProcess budgetStatus decisionMakerIdentified
  existingAccount { id name } existingContact { id fullName } state statusReason owner { id email role }
  createdAt updatedAt version qualifiedAt`;

const CREATE = `mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { ${LEAD_FIELDS} } userErrors { code message field } } }`;
const UPDATE = `mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { ${LEAD_FIELDS} } userErrors { code message field } } }`;

async function leadCount(): Promise<number> {
  return Number((await s.db.query('select count(*) from lead')).rows[0].count);
}

async function create(input: Record<string, unknown>, as = s.users.admin) {
  const res = await s.gql(CREATE, { input }, { as });
  expect(res.errors).toBeUndefined();
  return res.data.createLead;
}

describe('createLead', () => {
  test('a new lead is OPEN/NEW, version 1, owned by the caller, with the contract defaults', async () => {
    const { lead, userErrors } = await create({ topic: '  Coffee machines ', lastName: 'Davolio', firstName: 'Nancy' }, s.users.sales);
    expect(userErrors).toEqual([]);
    expect(lead).toMatchObject({
      topic: 'Coffee machines', firstName: 'Nancy', lastName: 'Davolio', fullName: 'Nancy Davolio',
      state: 'OPEN', statusReason: 'NEW', version: 1, preferredContactMethod: 'ANY', decisionMakerIdentified: false,
      owner: { id: s.users.sales.id, role: 'SALESPERSON' }, address: null, budget: null, qualifiedAt: null, source: null,
    });
    expect(new Date(lead.createdAt).toISOString()).toBe(lead.createdAt);
  });

  test('every field round-trips, money as a decimal string', async () => {
    const input = {
      topic: 'Fleet telematics', lastName: 'Fuller', firstName: 'Andrew', jobTitle: 'CTO', companyName: 'Fabrikam',
      email: 'andrew@fabrikam.example', businessPhone: '+1 (425) 555-0100', mobilePhone: '+44 7700 900123',
      website: 'https://fabrikam.example', address: { line1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', country: 'US' },
      industry: 'TRANSPORTATION', preferredContactMethod: 'EMAIL', source: 'TRADE_SHOW', rating: 'HOT',
      description: 'Wants a pilot', budget: { amount: '12500', currencyCode: 'EUR' }, purchaseTimeframe: 'THIS_QUARTER',
      purchaseProcess: 'COMMITTEE', budgetStatus: 'CAN_BUY', decisionMakerIdentified: true,
    };
    const { lead, userErrors } = await create(input);
    expect(userErrors).toEqual([]);
    expect(lead).toMatchObject({ ...input, budget: { amount: '12500.00', currencyCode: 'EUR' },
      address: { ...input.address, line2: null } });
  });

  test('ownerId gives the lead to another user; existing account and contact are linked', async () => {
    const acc = await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), 'Contoso', 'contoso', now()) returning id`);
    const con = await s.gql('mutation { createContact(input: { lastName: "Wong", firstName: "Ann" }) { contact { id } userErrors { code } } }');
    const { lead, userErrors } = await create({ topic: 'T', lastName: 'L', ownerId: s.users.sales2.id,
      existingAccountId: acc.rows[0].id, existingContactId: con.data.createContact.contact.id }, s.users.manager);
    expect(userErrors).toEqual([]);
    expect(lead.owner.id).toBe(s.users.sales2.id);
    expect(lead.existingAccount).toEqual({ id: acc.rows[0].id, name: 'Contoso' });
    expect(lead.existingContact).toEqual({ id: con.data.createContact.contact.id, fullName: 'Ann Wong' });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['blank topic', { topic: '   ' }, ['input', 'topic']],
    ['a topic of zero-width spaces', { topic: '\u200b\u200b' }, ['input', 'topic']],
    ['topic over 300', { topic: 'x'.repeat(301) }, ['input', 'topic']],
    ['blank lastName', { lastName: '' }, ['input', 'lastName']],
    ['lastName over 50', { lastName: 'x'.repeat(51) }, ['input', 'lastName']],
    ['firstName over 50', { firstName: 'x'.repeat(51) }, ['input', 'firstName']],
    ['jobTitle over 100', { jobTitle: 'x'.repeat(101) }, ['input', 'jobTitle']],
    ['companyName over 160', { companyName: 'x'.repeat(161) }, ['input', 'companyName']],
    ['malformed email', { email: 'not-an-email' }, ['input', 'email']],
    ['email without domain', { email: 'ann@' }, ['input', 'email']],
    ['website not a URL', { website: 'not a url' }, ['input', 'website']],
    ['website with another scheme', { website: 'ftp://files.example.com' }, ['input', 'website']],
    ['businessPhone with letters', { businessPhone: 'call me maybe' }, ['input', 'businessPhone']],
    ['mobilePhone too long', { mobilePhone: '1'.repeat(60) }, ['input', 'mobilePhone']],
    ['description over 2000', { description: 'x'.repeat(2001) }, ['input', 'description']],
    ['address line over 250', { address: { line1: 'x'.repeat(251) } }, ['input', 'address', 'line1']],
    ['postal code over 20', { address: { postalCode: 'x'.repeat(21) } }, ['input', 'address', 'postalCode']],
    ['negative budget', { budget: { amount: '-1', currencyCode: 'USD' } }, ['input', 'budget', 'amount']],
    ['budget over 1e12', { budget: { amount: '1000000000000.01', currencyCode: 'USD' } }, ['input', 'budget', 'amount']],
    ['budget with 3 fraction digits', { budget: { amount: '1.005', currencyCode: 'USD' } }, ['input', 'budget', 'amount']],
  ];
  test.each(invalid)('%s is a VALIDATION userError naming the field, and writes nothing', async (_name, patch, field) => {
    const before = await leadCount();
    const { lead, userErrors } = await create({ topic: 'Valid', lastName: 'Valid', ...patch });
    expect(lead).toBeNull();
    expect(userErrors.length).toBeGreaterThan(0);
    expect(userErrors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'VALIDATION', field })]));
    expect(userErrors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
    expect(await leadCount()).toBe(before);
  });

  // One code for one mistake: a currency that is not one of the currencies query is
  // UNKNOWN_CURRENCY in every operation that takes one — whatever its form.
  test.each(['XYZ', 'usd', '', 'US', 'EURO'])('the currency %j is UNKNOWN_CURRENCY in createLead, updateLead and qualifyLeads alike', async (code) => {
    const before = await leadCount();
    const created = await create({ topic: 'Valid', lastName: 'Valid', budget: { amount: '1', currencyCode: code } });
    expect(created.lead).toBeNull();
    expect(created.userErrors).toEqual([{ code: 'UNKNOWN_CURRENCY', message: expect.any(String), field: ['input', 'budget', 'currencyCode'] }]);
    expect(await leadCount()).toBe(before);

    const { lead } = await create({ topic: 'Currency target', lastName: 'Valid' });
    const updated = (await s.gql(UPDATE, { input: { id: lead.id, budget: { amount: '1', currencyCode: code } } })).data.updateLead;
    expect(updated.userErrors).toEqual([{ code: 'UNKNOWN_CURRENCY', message: expect.any(String), field: ['input', 'budget', 'currencyCode'] }]);

    const qualified = (await s.gql('mutation($input: QualifyLeadsInput!) { qualifyLeads(input: $input) { userErrors { code field } } }',
      { input: { leadIds: [lead.id], currencyCode: code } })).data.qualifyLeads;
    expect(qualified.userErrors).toEqual([{ code: 'UNKNOWN_CURRENCY', field: ['input', 'currencyCode'] }]);
  });

  test('a format error elsewhere is reported first; the currency is looked up once the formats are right', async () => {
    const { userErrors } = await create({ topic: 'Valid', lastName: 'Valid', email: 'nope', budget: { amount: '1', currencyCode: 'XYZ' } });
    expect(userErrors.map((e: { code: string }) => e.code)).toEqual(['VALIDATION']);
  });

  test('the boundaries themselves are accepted', async () => {
    const { userErrors, lead } = await create({ topic: 'x'.repeat(300), lastName: 'y'.repeat(50), description: 'z'.repeat(2000),
      budget: { amount: '1000000000000.00', currencyCode: 'USD' } });
    expect(userErrors).toEqual([]);
    expect(lead.budget.amount).toBe('1000000000000.00');
  });

  test('several invalid fields are all reported at once', async () => {
    const { userErrors } = await create({ topic: '', lastName: '', email: 'x' });
    expect(userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.email', 'input.lastName', 'input.topic']);
  });

  test('a float amount is refused before anything runs', async () => {
    const res = await s.gql('mutation { createLead(input: { topic: "T", lastName: "L", budget: { amount: 12.5, currencyCode: "USD" } }) { lead { id } } }');
    expect(res.errors?.[0].message).toMatch(/Decimal/);
    expect(res.data).toBeUndefined();
  });

  test('unknown references are NOT_FOUND and write nothing', async () => {
    const before = await leadCount();
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [field, value] of [['existingAccountId', missing], ['existingContactId', 'nope'], ['ownerId', missing]]) {
      const { userErrors } = await create({ topic: 'T', lastName: 'L', [field]: value }, s.users.manager);
      expect(userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', field] })]);
    }
    expect(await leadCount()).toBe(before);
  });

  test('a SALESPERSON cannot create leads for someone else; a PARTNER lead defaults its source to PARTNER', async () => {
    const { userErrors } = await create({ topic: 'T', lastName: 'L', ownerId: s.users.sales2.id }, s.users.sales);
    expect(userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'ownerId'] })]);
    const p = await create({ topic: 'From a partner', lastName: 'P' }, s.users.partner);
    expect(p.lead).toMatchObject({ source: 'PARTNER', owner: { id: s.users.partner.id } });
    const p2 = await create({ topic: 'From a partner', lastName: 'P', source: 'WEB' }, s.users.partner);
    expect(p2.lead.source).toBe('WEB');
    const p3 = await create({ topic: 'From a partner', lastName: 'P', source: null }, s.users.partner);
    expect(p3.lead.source).toBe('PARTNER');
  });
});

describe('updateLead', () => {
  test('changes only the given fields, bumps the version, and an explicit null clears', async () => {
    const { lead } = await create({ topic: 'Before', lastName: 'L', email: 'a@b.example', rating: 'COLD', budget: { amount: '10', currencyCode: 'USD' } });
    const res = await s.gql(UPDATE, { input: { id: lead.id, topic: 'After', email: null, budget: null, rating: 'HOT' } });
    const updated = res.data.updateLead.lead;
    expect(res.data.updateLead.userErrors).toEqual([]);
    expect(updated).toMatchObject({ topic: 'After', email: null, budget: null, rating: 'HOT', lastName: 'L', version: 2 });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(lead.updatedAt).getTime());
  });

  test('an update that changes nothing keeps the version', async () => {
    const { lead } = await create({ topic: 'Same', lastName: 'L' });
    const res = await s.gql(UPDATE, { input: { id: lead.id, topic: 'Same' } });
    expect(res.data.updateLead.lead.version).toBe(1);
  });

  test('a stale expectedVersion is VERSION_CONFLICT and changes nothing', async () => {
    const { lead } = await create({ topic: 'V', lastName: 'L' });
    await s.gql(UPDATE, { input: { id: lead.id, topic: 'V2', expectedVersion: 1 } });
    const res = await s.gql(UPDATE, { input: { id: lead.id, topic: 'V3', expectedVersion: 1 } });
    expect(res.data.updateLead).toEqual({ lead: null, userErrors: [expect.objectContaining({ code: 'VERSION_CONFLICT', field: ['input', 'expectedVersion'] })] });
    const now = await s.gql(`{ lead(id: "${lead.id}") { topic version } }`);
    expect(now.data.lead).toEqual({ topic: 'V2', version: 2 });
  });

  test('required fields cannot be blanked or cleared; invalid values are VALIDATION', async () => {
    const { lead } = await create({ topic: 'R', lastName: 'L' });
    for (const [patch, field] of [[{ topic: null }, 'topic'], [{ lastName: '  ' }, 'lastName'], [{ email: 'x@' }, 'email'],
      [{ decisionMakerIdentified: null }, 'decisionMakerIdentified'], [{ preferredContactMethod: null }, 'preferredContactMethod'],
      [{ ownerId: null }, 'ownerId']] as const) {
      const res = await s.gql(UPDATE, { input: { id: lead.id, ...patch } });
      expect(res.data.updateLead.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', field] })]);
      if (field === 'topic' || field === 'lastName') expect(res.data.updateLead.userErrors[0].message).toMatch(/blank/);
    }
    expect((await s.gql(`{ lead(id: "${lead.id}") { version } }`)).data.lead.version).toBe(1);
  });

  test('QUALIFIED and DISQUALIFIED leads are read-only: LEAD_NOT_OPEN', async () => {
    for (const [state, reason] of [['QUALIFIED', 'QUALIFIED'], ['DISQUALIFIED', 'LOST']]) {
      const { lead } = await create({ topic: 'Closed', lastName: 'L' });
      await s.db.query('update lead set state = $1, status_reason = $2 where id = $3', [state, reason, lead.id]);
      const res = await s.gql(UPDATE, { input: { id: lead.id, topic: 'Nope' } });
      expect(res.data.updateLead.userErrors).toEqual([expect.objectContaining({ code: 'LEAD_NOT_OPEN' })]);
    }
  });

  test('unknown ids are NOT_FOUND', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await s.gql(UPDATE, { input: { id, topic: 'x' } });
      expect(res.data.updateLead.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    }
  });

  test('a SALESPERSON may update only its own leads; a PARTNER may not update at all', async () => {
    const mine = (await create({ topic: 'Mine', lastName: 'L' }, s.users.sales)).lead;
    const theirs = (await create({ topic: 'Theirs', lastName: 'L' }, s.users.sales2)).lead;
    expect((await s.gql(UPDATE, { input: { id: mine.id, topic: 'ok' } }, { as: s.users.sales })).data.updateLead.userErrors).toEqual([]);
    const res = await s.gql(UPDATE, { input: { id: theirs.id, topic: 'no' } }, { as: s.users.sales });
    expect(res.data.updateLead.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
    const mgr = await s.gql(UPDATE, { input: { id: theirs.id, topic: 'manager may' } }, { as: s.users.manager });
    expect(mgr.data.updateLead.userErrors).toEqual([]);
    const partner = await s.gql(UPDATE, { input: { id: mine.id, topic: 'no' } }, { as: s.users.partner });
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(partner.data).toBeNull();
  });

  test('racing updates with the same expectedVersion: exactly one wins', async () => {
    const { lead } = await create({ topic: 'Race', lastName: 'L' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      s.gql(UPDATE, { input: { id: lead.id, topic: `Race ${i}`, expectedVersion: 1 } })));
    const won = results.filter((r) => r.data.updateLead.userErrors.length === 0);
    const lost = results.filter((r) => r.data.updateLead.userErrors[0]?.code === 'VERSION_CONFLICT');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    const now = (await s.gql(`{ lead(id: "${lead.id}") { topic version } }`)).data.lead;
    expect(now).toEqual({ topic: won[0].data.updateLead.lead.topic, version: 2 });
  });

  test('racing updates without a version lose nothing: every change is counted', async () => {
    const { lead } = await create({ topic: 'Counter', lastName: 'L' });
    await Promise.all(Array.from({ length: 15 }, (_, i) => s.gql(UPDATE, { input: { id: lead.id, description: `edit ${i}` } })));
    const now = (await s.gql(`{ lead(id: "${lead.id}") { version } }`)).data.lead;
    expect(now.version).toBe(16);
    const audits = await s.db.query(`select count(*) from audit_entry where entity_id = $1 and action = 'UPDATED'`, [lead.id]);
    expect(Number(audits.rows[0].count)).toBe(15);
  });

  test('the audit entry records each changed field with old and new values', async () => {
    const { lead } = await create({ topic: 'Audit me', lastName: 'L', rating: 'COLD' });
    await s.gql(UPDATE, { input: { id: lead.id, rating: 'HOT', budget: { amount: '99.5', currencyCode: 'GBP' } } });
    const rows = await s.db.query(`select action, changes, actor_id from audit_entry where entity_id = $1 order by at, action`, [lead.id]);
    expect(rows.rows.map((r) => r.action)).toEqual(['CREATED', 'UPDATED']);
    expect(rows.rows[1].actor_id).toBe(s.users.admin.id);
    expect(rows.rows[1].changes).toEqual([
      { field: 'rating', oldValue: 'COLD', newValue: 'HOT' },
      { field: 'budget', oldValue: null, newValue: '99.50 GBP' },
    ]);
  });
});

describe('assignLeads', () => {
  const ASSIGN = `mutation($input: AssignLeadsInput!) { assignLeads(input: $input) { leads { id owner { id } version } userErrors { code field message } } }`;

  test('gives every lead the new owner, bumps versions and audits ASSIGNED', async () => {
    const a = (await create({ topic: 'A', lastName: 'L' })).lead;
    const b = (await create({ topic: 'B', lastName: 'L' })).lead;
    const res = await s.gql(ASSIGN, { input: { leadIds: [a.id, b.id], ownerId: s.users.sales.id } });
    expect(res.data.assignLeads.userErrors).toEqual([]);
    expect(res.data.assignLeads.leads).toEqual([
      { id: a.id, owner: { id: s.users.sales.id }, version: 2 }, { id: b.id, owner: { id: s.users.sales.id }, version: 2 }]);
    const audit = await s.db.query(`select changes from audit_entry where entity_id = $1 and action = 'ASSIGNED'`, [a.id]);
    expect(audit.rows[0].changes).toEqual([{ field: 'ownerId', oldValue: s.users.admin.id, newValue: s.users.sales.id }]);
  });

  test('all or nothing: one foreign lead stops the whole call for a SALESPERSON', async () => {
    const mine = (await create({ topic: 'M', lastName: 'L' }, s.users.sales)).lead;
    const theirs = (await create({ topic: 'T', lastName: 'L' }, s.users.sales2)).lead;
    const res = await s.gql(ASSIGN, { input: { leadIds: [mine.id, theirs.id], ownerId: s.users.manager.id } }, { as: s.users.sales });
    expect(res.data.assignLeads).toEqual({ leads: [], userErrors: [expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'leadIds', '1'] })] });
    const still = (await s.gql(`{ lead(id: "${mine.id}") { owner { id } version } }`)).data.lead;
    expect(still).toEqual({ owner: { id: s.users.sales.id }, version: 1 });
  });

  test('bad input: empty or over 100 ids, unknown owner, unknown leads, a PARTNER owner', async () => {
    const lead = (await create({ topic: 'X', lastName: 'L' })).lead;
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ leadIds: [], ownerId: s.users.sales.id }, 'VALIDATION', ['input', 'leadIds']],
      [{ leadIds: [lead.id], ownerId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', ['input', 'ownerId']],
      [{ leadIds: [lead.id, 'nope'], ownerId: s.users.sales.id }, 'NOT_FOUND', ['input', 'leadIds', '1']],
      [{ leadIds: [lead.id], ownerId: s.users.partner.id }, 'VALIDATION', ['input', 'ownerId']],
    ];
    for (const [input, code, field] of cases) {
      const res = await s.gql(ASSIGN, { input });
      expect(res.data.assignLeads.userErrors).toEqual([expect.objectContaining({ code, field })]);
    }
    expect((await s.gql(`{ lead(id: "${lead.id}") { version } }`)).data.lead.version).toBe(1);
  });

  test('ids in upper case name the same leads', async () => {
    const a = (await create({ topic: 'Upper', lastName: 'L' })).lead;
    const res = await s.gql(ASSIGN, { input: { leadIds: [a.id.toUpperCase(), a.id], ownerId: s.users.sales2.id } });
    expect(res.data.assignLeads.userErrors).toEqual([]);
    expect(res.data.assignLeads.leads).toEqual([{ id: a.id, owner: { id: s.users.sales2.id }, version: 2 }]);
  });

  test('more than 100 ids is a top-level BAD_USER_INPUT', async () => {
    const lead = (await create({ topic: 'Y', lastName: 'L' })).lead;
    const res = await s.gql(ASSIGN, { input: { leadIds: Array.from({ length: 101 }, () => lead.id), ownerId: s.users.sales.id } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.data).toBeNull();
    expect((await s.gql(`{ lead(id: "${lead.id}") { version } }`)).data.lead.version).toBe(1);
  });

  test('a PARTNER cannot assign', async () => {
    const res = await s.gql(ASSIGN, { input: { leadIds: [], ownerId: s.users.sales.id } }, { as: s.users.partner });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
