import { randomUUID } from 'node:crypto';
import { dataStatements, startTestServer, type TestServer, type TestUser } from './support/server';
import { addStakeholder, insertLeads, QUALIFY } from './support/lifecycle';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const ADD = `mutation($input: AddStakeholderInput!) { addStakeholder(input: $input) {
  stakeholder { id role createdAt contact { id lastName email } } lead { id version } userErrors { code message field } } }`;
const add = async (input: Record<string, unknown>, as: TestUser = s.users.sales) => {
  const res = await s.gql(ADD, { input }, { as });
  expect(res.errors).toBeUndefined();
  return res.data.addStakeholder;
};
const setRole = async (input: Record<string, unknown>, as: TestUser = s.users.sales) =>
  (await s.gql('mutation($input: UpdateStakeholderRoleInput!) { updateStakeholderRole(input: $input) { stakeholder { id role } userErrors { code field } } }', { input }, { as })).data.updateStakeholderRole;
const removeOne = async (input: Record<string, unknown>, as: TestUser = s.users.sales) =>
  (await s.gql('mutation($input: RemoveStakeholderInput!) { removeStakeholder(input: $input) { removedStakeholderId userErrors { code field } } }', { input }, { as })).data.removeStakeholder;
const newContact = async () => (await s.gql('mutation { createContact(input: { lastName: "Existing" }) { contact { id } } }')).data.createContact.contact.id as string;
const codes = (p: { userErrors: { code: string }[] }) => p.userErrors.map((e) => e.code);
const count = async (table: string) => (await s.db.query(`select count(*)::int as n from "${table}"`)).rows[0].n as number;

describe('addStakeholder', () => {
  test('connects an existing contact with role STAKEHOLDER by default, or a new one with the role given', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{}]);
    const contactId = await newContact();
    const a = await add({ leadId: id, contactId });
    expect(a).toMatchObject({ userErrors: [], stakeholder: { role: 'STAKEHOLDER', contact: { id: contactId } }, lead: { id, version: 2 } });
    const b = await add({ leadId: id, newContact: { lastName: 'Newman', email: 'newman@x.example' }, role: 'DECISION_MAKER' });
    expect(b).toMatchObject({ userErrors: [], stakeholder: { role: 'DECISION_MAKER', contact: { lastName: 'Newman', email: 'newman@x.example' } }, lead: { version: 3 } });
    const res = await s.gql('query($id: ID!) { lead(id: $id) { stakeholders { id role contact { id } } } }', { id }, { as: s.users.sales2 });
    expect(res.data.lead.stakeholders.map((x: any) => x.id)).toEqual([a.stakeholder.id, b.stakeholder.id]);
  });

  test('the same contact twice is DUPLICATE_STAKEHOLDER, also when ten calls race', async () => {
    const [id, raced] = await insertLeads(s, s.users.sales, [{}, {}]);
    const contactId = await newContact();
    await add({ leadId: id, contactId });
    expect(await add({ leadId: id, contactId, role: 'CHAMPION' })).toMatchObject({ stakeholder: null, userErrors: [{ code: 'DUPLICATE_STAKEHOLDER', field: ['input', 'contactId'] }] });
    const outs = await Promise.all(Array.from({ length: 10 }, () => add({ leadId: raced, contactId })));
    expect(outs.filter((o) => o.userErrors.length === 0)).toHaveLength(1);
    expect(outs.filter((o) => codes(o).join() === 'DUPLICATE_STAKEHOLDER')).toHaveLength(9);
    const rows = await s.db.query('select count(*)::int as n from stakeholder where lead_id = $1', [raced]);
    expect(rows.rows[0].n).toBe(1);
    const version = await s.db.query('select version from lead where id = $1', [raced]);
    expect(version.rows[0].version).toBe(2);
  });

  test('refuses bad input, unknown records, closed, foreign and invisible leads, writing nothing', async () => {
    const [id, closed] = await insertLeads(s, s.users.sales, [{}, { state: 'DISQUALIFIED', status_reason: 'LOST' }]);
    const [foreign] = await insertLeads(s, s.users.sales2, [{}]);
    const contactId = await newContact();
    const before = [await count('stakeholder'), await count('contact'), await count('audit_entry')];
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ leadId: id }, 'VALIDATION', ['input', 'contactId']],
      [{ leadId: id, contactId, newContact: { lastName: 'Both' } }, 'VALIDATION', ['input', 'newContact']],
      [{ leadId: id, newContact: { lastName: ' ' } }, 'VALIDATION', ['input', 'newContact', 'lastName']],
      [{ leadId: id, newContact: { lastName: 'X', email: 'not-an-email' } }, 'VALIDATION', ['input', 'newContact', 'email']],
      [{ leadId: id, contactId: randomUUID() }, 'NOT_FOUND', ['input', 'contactId']],
      [{ leadId: id, contactId: 'garbage' }, 'NOT_FOUND', ['input', 'contactId']],
      [{ leadId: randomUUID(), contactId }, 'NOT_FOUND', ['input', 'leadId']],
      [{ leadId: closed, contactId }, 'LEAD_NOT_OPEN', ['input', 'leadId']],
      [{ leadId: foreign, newContact: { lastName: 'Sneaky' } }, 'FORBIDDEN', ['input', 'leadId']],
    ];
    for (const [input, code, field] of cases) {
      expect(await add(input)).toMatchObject({ stakeholder: null, userErrors: [{ code, field }] });
    }
    expect([await count('stakeholder'), await count('contact'), await count('audit_entry')]).toEqual(before);
    const partner = await s.gql(ADD, { input: { leadId: id, contactId } }, { as: s.users.partner });
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('updateStakeholderRole and removeStakeholder', () => {
  test('change the role and remove, on an OPEN lead the caller may write', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{}]);
    const st = await addStakeholder(s, id, s.users.sales);
    expect(await setRole({ stakeholderId: st.id, role: 'TECHNICAL_BUYER' })).toEqual({ stakeholder: { id: st.id, role: 'TECHNICAL_BUYER' }, userErrors: [] });
    expect(codes(await setRole({ stakeholderId: st.id, role: 'CHAMPION' }, s.users.sales2))).toEqual(['FORBIDDEN']);
    expect(codes(await removeOne({ stakeholderId: st.id }, s.users.sales2))).toEqual(['FORBIDDEN']);
    expect(await removeOne({ stakeholderId: st.id })).toEqual({ removedStakeholderId: st.id, userErrors: [] });
    expect(codes(await removeOne({ stakeholderId: st.id }))).toEqual(['NOT_FOUND']);
    expect(codes(await setRole({ stakeholderId: st.id, role: 'CHAMPION' }))).toEqual(['NOT_FOUND']);
    expect(codes(await setRole({ stakeholderId: 'x', role: 'CHAMPION' }))).toEqual(['NOT_FOUND']);
    const contact = await s.db.query('select count(*)::int as n from contact where id = $1', [st.contactId]);
    expect(contact.rows[0].n).toBe(1);
    const version = await s.db.query('select version from lead where id = $1', [id]);
    expect(version.rows[0].version).toBe(4);
  });

  test('are LEAD_NOT_OPEN once the lead is qualified, and do not reach the copies on the opportunity', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{}]);
    const st = await addStakeholder(s, id, s.users.sales, 'CHAMPION');
    const q = await s.gql(QUALIFY, { input: { leadIds: [id], currencyCode: 'USD' } }, { as: s.users.sales });
    const opp = q.data.qualifyLeads.results[0].opportunity.id;
    expect(codes(await setRole({ stakeholderId: st.id, role: 'END_USER' }))).toEqual(['LEAD_NOT_OPEN']);
    expect(codes(await removeOne({ stakeholderId: st.id }))).toEqual(['LEAD_NOT_OPEN']);
    expect(codes(await add({ leadId: id, newContact: { lastName: 'Late' } }))).toEqual(['LEAD_NOT_OPEN']);
    const copy = (await s.db.query('select id from stakeholder where opportunity_id = $1', [opp])).rows[0].id;
    expect(codes(await removeOne({ stakeholderId: copy }, s.users.admin))).toEqual(['NOT_FOUND']);
  });
});

describe('reading stakeholders and opportunities', () => {
  const statementsFor = async (n: number) => {
    const ids = await insertLeads(s, s.users.sales, Array.from({ length: n }, () => ({})));
    const contact = await newContact();
    await s.db.query(`insert into stakeholder (id, lead_id, contact_id, role, created_at)
      select gen_random_uuid(), l, $2, 'INFLUENCER', now() from unnest($1::uuid[]) l`, [ids, contact]);
    await s.gql(QUALIFY, { input: { leadIds: ids, currencyCode: 'EUR' } }, { as: s.users.sales });
    s.resetSql();
    // One root field: a second one (lead(id:)) would find its lead in the identity map or not,
    // depending on which resolver ran first, and make the count race.
    const res = await s.gql(`{ opportunities(first: ${n}) { nodes { id currencyCode estimatedValue { amount }
      account { id } contact { id } owner { id } originatingLead { id stakeholders { role contact { id } } } stakeholders { role contact { id } } } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.opportunities.nodes).toHaveLength(n);
    for (const o of res.data.opportunities.nodes) expect(o.stakeholders).toEqual([{ role: 'INFLUENCER', contact: { id: contact } }]);
    return dataStatements(s.sql).length;
  };

  test('Lead.stakeholders and Opportunity.stakeholders load in batches: 5 and 50 opportunities cost the same statements', async () => {
    expect(await statementsFor(50)).toBe(await statementsFor(5));
  });

  test('opportunities pages newest first and filters by state and originating lead; to a PARTNER there are none', async () => {
    const ids = await insertLeads(s, s.users.sales, [{}, {}, {}]);
    const q = await s.gql(QUALIFY, { input: { leadIds: ids, currencyCode: 'USD' } }, { as: s.users.sales });
    const opps = q.data.qualifyLeads.results.map((r: any) => r.opportunity.id);
    const one = await s.gql('query($id: ID!) { opportunities(filter: { originatingLeadId: $id, state: [OPEN] }) { totalCount nodes { id } } }', { id: ids[1] });
    expect(one.data.opportunities).toEqual({ totalCount: 1, nodes: [{ id: opps[1] }] });
    const none = await s.gql('{ opportunities(filter: { state: [WON] }) { totalCount } bad: opportunities(filter: { originatingLeadId: "x" }) { totalCount } }');
    expect(none.data).toEqual({ opportunities: { totalCount: 0 }, bad: { totalCount: 0 } });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await s.gql('query($after: String) { opportunities(first: 7, after: $after) { pageInfo { hasNextPage endCursor } nodes { id createdAt } } }', { after });
      seen.push(...page.data.opportunities.nodes.map((n: any) => n.id));
      if (!page.data.opportunities.pageInfo.hasNextPage) break;
      after = page.data.opportunities.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(opps));
    expect((await s.db.query('select count(*)::int as n from opportunity')).rows[0].n).toBe(seen.length);
    expect((await s.gql('{ opportunities(first: 101) { totalCount } }')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const partner = await s.gql('{ opportunities { totalCount nodes { id } } }', undefined, { as: s.users.partner });
    expect(partner.data.opportunities).toEqual({ totalCount: 0, nodes: [] });
    const stakes = await s.gql('query($id: ID!) { lead(id: $id) { stakeholders { id } } }', { id: ids[0] }, { as: s.users.partner });
    expect(stakes.data.lead).toBeNull();
  });
});
