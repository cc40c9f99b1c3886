import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer, type TestUser } from './support/server';
import { addStakeholder, insertLeads, insertTimeline, LEAD_FIELDS, leadChildren, QUALIFY } from './support/lifecycle';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const run = async (name: string, inputType: string, input: Record<string, unknown>, as: TestUser, select = `lead { ${LEAD_FIELDS} }`) => {
  const res = await s.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) { ${select} userErrors { code message field } } }`, { input }, { as });
  expect(res.errors).toBeUndefined();
  return res.data[name];
};
const disqualify = (input: Record<string, unknown>, as = s.users.sales) => run('disqualifyLead', 'DisqualifyLeadInput', input, as);
const reactivate = (input: Record<string, unknown>, as = s.users.sales) => run('reactivateLead', 'ReactivateLeadInput', input, as);
const remove = (input: Record<string, unknown>, as = s.users.sales) => run('deleteLead', 'DeleteLeadInput', input, as, 'deletedLeadId');
const qualify = async (id: string, as = s.users.sales) => {
  const res = await s.gql(QUALIFY, { input: { leadIds: [id], currencyCode: 'USD' } }, { as });
  expect(res.data.qualifyLeads.results[0].userErrors).toEqual([]);
  return res.data.qualifyLeads.results[0];
};
const codes = (p: { userErrors: { code: string }[] }) => p.userErrors.map((e) => e.code);

describe('disqualifyLead', () => {
  test('sets DISQUALIFIED with the reason as statusReason, bumps version and keeps timeline and stakeholders', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{}]);
    await addStakeholder(s, id, s.users.sales);
    await insertTimeline(s, id, s.users.sales);
    const before = await leadChildren(s, id);
    const out = await disqualify({ id, reason: 'NO_LONGER_INTERESTED', comment: 'Bought elsewhere', expectedVersion: 2 });
    expect(out.userErrors).toEqual([]);
    expect(out.lead).toMatchObject({ id, state: 'DISQUALIFIED', statusReason: 'NO_LONGER_INTERESTED', version: 3 });
    expect(await leadChildren(s, id)).toEqual(before);
  });

  test('defaults the reason to LOST', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{}]);
    expect((await disqualify({ id })).lead).toMatchObject({ state: 'DISQUALIFIED', statusReason: 'LOST' });
  });

  test('refuses a closed lead, a stale version, a long comment, a foreign or unknown lead, changing nothing', async () => {
    const [open, closed] = await insertLeads(s, s.users.sales, [{}, { state: 'QUALIFIED', status_reason: 'QUALIFIED' }]);
    const [foreign] = await insertLeads(s, s.users.sales2, [{}]);
    expect(codes(await disqualify({ id: closed }))).toEqual(['LEAD_NOT_OPEN']);
    expect(codes(await disqualify({ id: open, expectedVersion: 7 }))).toEqual(['VERSION_CONFLICT']);
    expect(await disqualify({ id: open, comment: 'x'.repeat(2001) })).toMatchObject({ userErrors: [{ code: 'VALIDATION', field: ['input', 'comment'] }] });
    expect(codes(await disqualify({ id: foreign }))).toEqual(['FORBIDDEN']);
    expect(codes(await disqualify({ id: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect(codes(await disqualify({ id: 'nope' }))).toEqual(['NOT_FOUND']);
    const rows = await s.db.query('select state, version from lead where id = any($1)', [[open, foreign]]);
    expect(rows.rows).toEqual([{ state: 'OPEN', version: 1 }, { state: 'OPEN', version: 1 }]);
    expect(codes(await disqualify({ id: foreign }, s.users.manager))).toEqual([]);
  });

  test('a PARTNER may not run lifecycle mutations at all', async () => {
    const [id] = await insertLeads(s, s.users.partner, [{}]);
    for (const [name, type] of [['disqualifyLead', 'DisqualifyLeadInput'], ['reactivateLead', 'ReactivateLeadInput'], ['deleteLead', 'DeleteLeadInput']]) {
      const res = await s.gql(`mutation($input: ${type}!) { ${name}(input: $input) { userErrors { code } } }`, { input: { id } }, { as: s.users.partner });
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('reactivateLead', () => {
  test('takes a QUALIFIED lead back to OPEN/NEW; notes, attachments, stakeholders and the opportunity stay', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{ company_name: `React ${randomUUID()}` }]);
    await addStakeholder(s, id, s.users.sales, 'CHAMPION');
    const timeline = await insertTimeline(s, id, s.users.sales);
    const qualified = await qualify(id);
    const before = await leadChildren(s, id);
    const out = await reactivate({ id, expectedVersion: 3 });
    expect(out.userErrors).toEqual([]);
    expect(out.lead).toMatchObject({ state: 'OPEN', statusReason: 'NEW', version: 4 });
    expect(await leadChildren(s, id)).toEqual(before);
    expect(before.note).toEqual([timeline.note]);
    expect(before.attachment).toEqual([timeline.attachment]);
    const content = await s.db.query('select convert_from(content, $2) as c from attachment where id = $1', [timeline.attachment, 'UTF8']);
    expect(content.rows[0].c).toBe('card');
    const res = await s.gql('query($id: ID!) { opportunity(id: $id) { id originatingLead { id state } stakeholders { role } } }', { id: qualified.opportunity.id });
    expect(res.data.opportunity).toEqual({ id: qualified.opportunity.id, originatingLead: { id, state: 'OPEN' }, stakeholders: [{ role: 'CHAMPION' }] });
  });

  test('qualifying a reactivated lead again reuses its opportunity, account and contact: one opportunity per lead', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{ company_name: `Again ${randomUUID()}`, email: `${randomUUID()}@again.example` }]);
    const first = await qualify(id);
    await reactivate({ id });
    await addStakeholder(s, id, s.users.sales, 'INFLUENCER', 'Late');
    const second = await qualify(id);
    expect(second.opportunity.id).toBe(first.opportunity.id);
    expect(second.account.id).toBe(first.account.id);
    expect(second.contact.id).toBe(first.contact.id);
    expect([second.accountCreated, second.contactCreated]).toEqual([false, false]);
    const opps = await s.db.query('select count(*)::int as n from opportunity where originating_lead_id = $1', [id]);
    expect(opps.rows[0].n).toBe(1);
    const stake = await s.db.query('select role from stakeholder where opportunity_id = $1', [first.opportunity.id]);
    expect(stake.rows).toEqual([{ role: 'INFLUENCER' }]);
  });

  test('reactivates a DISQUALIFIED lead; an OPEN one is LEAD_NOT_CLOSED; a stale version is VERSION_CONFLICT', async () => {
    const [id, open] = await insertLeads(s, s.users.sales, [{ state: 'DISQUALIFIED', status_reason: 'CANCELED' }, {}]);
    expect(codes(await reactivate({ id, expectedVersion: 2 }))).toEqual(['VERSION_CONFLICT']);
    expect((await reactivate({ id, expectedVersion: 1 })).lead).toMatchObject({ state: 'OPEN', statusReason: 'NEW', version: 2 });
    expect(codes(await reactivate({ id: open }))).toEqual(['LEAD_NOT_CLOSED']);
    expect(codes(await reactivate({ id }))).toEqual(['LEAD_NOT_CLOSED']);
  });
});

describe('deleteLead', () => {
  test('removes notes, attachments, activities and stakeholders; keeps contacts, accounts and opportunities with originatingLead null', async () => {
    const [id] = await insertLeads(s, s.users.sales, [{ company_name: `Gone ${randomUUID()}`, email: `${randomUUID()}@gone.example` }]);
    const stakeholder = await addStakeholder(s, id, s.users.sales);
    await insertTimeline(s, id, s.users.sales);
    const q = await qualify(id);
    await reactivate({ id });
    await insertTimeline(s, id, s.users.sales);

    const out = await remove({ id });
    expect(out).toEqual({ deletedLeadId: id, userErrors: [] });
    expect(await leadChildren(s, id)).toEqual({ note: [], attachment: [], activity: [], stakeholder: [] });
    expect((await s.db.query('select count(*)::int as n from lead where id = $1', [id])).rows[0].n).toBe(0);
    const res = await s.gql(`query($opp: ID!, $acc: ID!, $con: ID!, $stake: ID!, $lead: ID!) {
      opportunity(id: $opp) { id originatingLead { id } stakeholders { contact { id } } }
      account(id: $acc) { id originatingLead { id } }
      contact(id: $con) { id originatingLead { id } }
      stakeContact: contact(id: $stake) { id }
      lead(id: $lead) { id }
    }`, { opp: q.opportunity.id, acc: q.account.id, con: q.contact.id, stake: stakeholder.contactId, lead: id });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      opportunity: { id: q.opportunity.id, originatingLead: null, stakeholders: [{ contact: { id: stakeholder.contactId } }] },
      account: { id: q.account.id, originatingLead: null },
      contact: { id: q.contact.id, originatingLead: null },
      stakeContact: { id: stakeholder.contactId },
      lead: null,
    });
  });

  test('checks access and the optional version; the lead stays when refused', async () => {
    const [own] = await insertLeads(s, s.users.sales, [{}]);
    const [foreign] = await insertLeads(s, s.users.sales2, [{}]);
    expect(codes(await remove({ id: foreign }))).toEqual(['FORBIDDEN']);
    expect(codes(await remove({ id: own, expectedVersion: 5 }))).toEqual(['VERSION_CONFLICT']);
    expect(codes(await remove({ id: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect((await s.db.query('select count(*)::int as n from lead where id = any($1)', [[own, foreign]])).rows[0].n).toBe(2);
    expect(await remove({ id: foreign }, s.users.manager)).toEqual({ deletedLeadId: foreign, userErrors: [] });
  });
});
