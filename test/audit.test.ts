import { startTestServer, type TestServer, type TestUser } from './support/server';
import { insertLeads, QUALIFY } from './support/lifecycle';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const HISTORY = `query($id: ID!, $first: Int, $after: String) { lead(id: $id) { version history(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id action at actor { id name } changes { field oldValue newValue } } } } }`;
const history = async (id: string, as: TestUser = s.users.manager) => {
  const res = await s.gql(HISTORY, { id, first: 100 }, { as });
  expect(res.errors).toBeUndefined();
  return res.data.lead.history.nodes as { action: string; actor: { id: string }; changes: { field: string; oldValue: string | null; newValue: string | null }[] }[];
};
const m = async (name: string, type: string, input: Record<string, unknown>, select = 'userErrors { code }') => {
  const res = await s.gql(`mutation($input: ${type}!) { ${name}(input: $input) { ${select} } }`, { input }, { as: s.users.sales });
  expect(res.errors).toBeUndefined();
  return res.data[name];
};
const changes = (entry: { changes: { field: string; oldValue: string | null; newValue: string | null }[] }) =>
  Object.fromEntries(entry.changes.map((c) => [c.field, [c.oldValue, c.newValue]]));

test('every lifecycle action writes an entry with its changes, field by field, newest first', async () => {
  const created = await m('createLead', 'CreateLeadInput', { topic: 'Audit me', lastName: 'Trail', companyName: `Audit ${Date.now()}` }, 'lead { id }');
  const id = created.lead.id;
  const added = await m('addStakeholder', 'AddStakeholderInput', { leadId: id, newContact: { lastName: 'Watcher' } }, 'stakeholder { id contact { id } }');
  const st = added.stakeholder;
  await m('updateStakeholderRole', 'UpdateStakeholderRoleInput', { stakeholderId: st.id, role: 'CHAMPION' });
  await m('removeStakeholder', 'RemoveStakeholderInput', { stakeholderId: st.id });
  await m('disqualifyLead', 'DisqualifyLeadInput', { id, reason: 'CANNOT_CONTACT', comment: 'No answer twice' });
  await m('reactivateLead', 'ReactivateLeadInput', { id });
  const q = await s.gql(QUALIFY, { input: { leadIds: [id], currencyCode: 'USD' } }, { as: s.users.sales });
  const r = q.data.qualifyLeads.results[0];

  const entries = await history(id);
  expect(entries.map((e) => e.action)).toEqual([
    'QUALIFIED', 'REACTIVATED', 'DISQUALIFIED', 'STAKEHOLDER_REMOVED', 'STAKEHOLDER_ROLE_CHANGED', 'STAKEHOLDER_ADDED', 'CREATED',
  ]);
  expect(entries.every((e) => e.actor.id === s.users.sales.id)).toBe(true);
  const [qualified, reactivated, disqualified, removed, roleChanged, addedEntry] = entries.map(changes);
  expect(qualified).toEqual({
    state: ['OPEN', 'QUALIFIED'], statusReason: ['NEW', 'QUALIFIED'], qualifiedAt: [null, r.lead.qualifiedAt],
    qualifyingOpportunityId: [null, r.opportunity.id], accountId: [null, r.account.id], contactId: [null, r.contact.id],
  });
  expect(reactivated).toEqual({ state: ['DISQUALIFIED', 'OPEN'], statusReason: ['CANNOT_CONTACT', 'NEW'] });
  expect(disqualified).toEqual({
    state: ['OPEN', 'DISQUALIFIED'], statusReason: ['NEW', 'CANNOT_CONTACT'], reason: [null, 'CANNOT_CONTACT'], comment: [null, 'No answer twice'],
  });
  expect(removed).toEqual({ stakeholderId: [st.id, null], contactId: [st.contact.id, null], role: ['CHAMPION', null] });
  expect(roleChanged).toEqual({ stakeholderId: [st.id, st.id], contactId: [st.contact.id, st.contact.id], role: ['STAKEHOLDER', 'CHAMPION'] });
  expect(addedEntry).toEqual({ stakeholderId: [null, st.id], contactId: [null, st.contact.id], role: [null, 'STAKEHOLDER'] });
  // One entry per version: every change bumps the version once.
  const lead = await s.gql(HISTORY, { id, first: 1 });
  expect(lead.data.lead.version).toBe(entries.length);
});

test('history pages newest first, each entry exactly once', async () => {
  const [id] = await insertLeads(s, s.users.sales, [{}]);
  for (let i = 0; i < 5; i++) {
    await m('addStakeholder', 'AddStakeholderInput', { leadId: id, newContact: { lastName: `P${i}` } });
  }
  const all = await history(id);
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = await s.gql(HISTORY, { id, first: 2, after });
    expect(page.data.lead.history.totalCount).toBe(5);
    seen.push(...page.data.lead.history.nodes.map((n: any) => n.id));
    if (!page.data.lead.history.pageInfo.hasNextPage) break;
    after = page.data.lead.history.pageInfo.endCursor;
  }
  expect(seen).toEqual(all.map((e: any) => e.id));
  expect(all.map((e) => changes(e).contactId[1])).toHaveLength(5);
});

test('a change that rolls back leaves no entry', async () => {
  const [ok, bad] = await insertLeads(s, s.users.sales, [{}, { state: 'QUALIFIED', status_reason: 'QUALIFIED' }]);
  const refused = await s.gql(QUALIFY, { input: { leadIds: [ok, bad], currencyCode: 'USD', allOrNone: true } }, { as: s.users.sales });
  expect(refused.data.qualifyLeads.qualifiedCount).toBe(0);
  expect(await history(ok)).toEqual([]);

  // A fault inside the transaction, after the audit entry was queued, rolls everything back.
  const [doomed] = await insertLeads(s, s.users.sales, [{ topic: 'BOOM' }]);
  await s.db.query(`create or replace function audit_test_boom() returns trigger language plpgsql as $$
    begin if new.name = 'BOOM' then raise exception 'boom'; end if; return new; end $$`);
  await s.db.query('create trigger audit_test_boom before insert on opportunity for each row execute function audit_test_boom()');
  try {
    const failed = await s.gql(QUALIFY, { input: { leadIds: [doomed], currencyCode: 'USD' } }, { as: s.users.sales });
    expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  } finally {
    await s.db.query('drop trigger audit_test_boom on opportunity');
  }
  expect(await history(doomed)).toEqual([]);
  const row = await s.db.query('select state, version from lead where id = $1', [doomed]);
  expect(row.rows[0]).toEqual({ state: 'OPEN', version: 1 });
  expect((await s.db.query("select count(*)::int as n from account where originating_lead_id = $1", [doomed])).rows[0].n).toBe(0);
});

test('entries outlive a deleted lead: auditEntries (ADMIN only) lists them with the DELETED entry', async () => {
  const [id] = await insertLeads(s, s.users.sales, [{ topic: 'Short-lived' }]);
  await m('disqualifyLead', 'DisqualifyLeadInput', { id });
  await m('deleteLead', 'DeleteLeadInput', { id });
  const Q = 'query($id: ID!) { auditEntries(entityId: $id, first: 10) { totalCount nodes { action actor { id } changes { field oldValue newValue } } } }';
  const res = await s.gql(Q, { id });
  expect(res.errors).toBeUndefined();
  const nodes = res.data.auditEntries.nodes;
  expect(nodes.map((n: any) => n.action)).toEqual(['DELETED', 'DISQUALIFIED']);
  const deleted = changes(nodes[0]);
  expect(deleted.topic).toEqual(['Short-lived', null]);
  expect(deleted.state).toEqual(['DISQUALIFIED', null]);
  for (const as of [s.users.manager, s.users.sales, s.users.partner]) {
    expect((await s.gql(Q, { id }, { as })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  }
  expect((await s.gql(Q, { id: 'not-a-uuid' })).data.auditEntries.totalCount).toBe(0);
});

test('a PARTNER sees its lead but not its history', async () => {
  const created = await s.gql('mutation { createLead(input: { topic: "From a partner", lastName: "P" }) { lead { id } } }', undefined, { as: s.users.partner });
  const id = created.data.createLead.lead.id;
  expect(await history(id, s.users.partner)).toEqual([]);
  expect((await history(id)).map((e) => e.action)).toEqual(['CREATED']);
});
