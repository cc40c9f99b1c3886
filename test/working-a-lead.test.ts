import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer, type TestUser } from './support/server';
import { insertLeads, QUALIFY } from './support/lifecycle';
import { addNote, COMPLETE_ACTIVITY, createLead, logActivity } from './support/timeline';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const ERRORS = 'userErrors { code message field }';
const SET_STATUS = `mutation($input: SetLeadStatusInput!) { setLeadStatus(input: $input) { lead { id statusReason version } ${ERRORS} } }`;
const UPDATE_NOTE = `mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { id text } ${ERRORS} } }`;
const DELETE_NOTE = `mutation($input: DeleteNoteInput!) { deleteNote(input: $input) { deletedNoteId ${ERRORS} } }`;
const CANCEL = `mutation($input: CancelActivityInput!) { cancelActivity(input: $input) { activity { id status completedAt } ${ERRORS} } }`;
const WORKED = `query($id: ID!) { lead(id: $id) { lastActivityAt nextFollowUpAt statusReason version qualifyChecklist { complete missing } } }`;

/** Runs a mutation, expects no top-level errors, returns its payload. */
async function run(query: string, input: Record<string, unknown>, as: TestUser = s.users.admin): Promise<any> {
  const res = await s.gql(query, { input }, { as });
  expect(res.errors).toBeUndefined();
  return Object.values(res.data)[0];
}
const codes = (p: { userErrors: { code: string }[] }) => p.userErrors.map((e) => e.code);
const worked = async (id: string, as: TestUser = s.users.admin) => (await s.gql(WORKED, { id }, { as })).data.lead;
const history = async (id: string, action: string) =>
  (await s.db.query('select changes from audit_entry where entity_id = $1 and action = $2 order by at', [id, action])).rows.map((r) => r.changes);
const iso = (ms: number) => new Date(ms).toISOString();

describe('setLeadStatus', () => {
  test('moves an OPEN lead between NEW and CONTACTED, bumps the version and writes STATUS_CHANGED', async () => {
    const id = await createLead(s, s.users.sales);
    const out = await run(SET_STATUS, { id, statusReason: 'CONTACTED', expectedVersion: 1 }, s.users.sales);
    expect(out).toEqual({ lead: { id, statusReason: 'CONTACTED', version: 2 }, userErrors: [] });
    expect(await history(id, 'STATUS_CHANGED')).toEqual([[{ field: 'statusReason', oldValue: 'NEW', newValue: 'CONTACTED' }]]);
    const back = await run(SET_STATUS, { id, statusReason: 'NEW' }, s.users.manager);
    expect(back.lead).toEqual({ id, statusReason: 'NEW', version: 3 });
    // The status it already has changes nothing.
    const same = await run(SET_STATUS, { id, statusReason: 'NEW' }, s.users.manager);
    expect(same.lead).toEqual({ id, statusReason: 'NEW', version: 3 });
    expect(await history(id, 'STATUS_CHANGED')).toHaveLength(2);
  });

  test('other values are VALIDATION, a stale version VERSION_CONFLICT, closed leads LEAD_NOT_OPEN', async () => {
    const id = await createLead(s, s.users.sales);
    for (const statusReason of ['QUALIFIED', 'LOST', 'CANCELED']) {
      const out = await run(SET_STATUS, { id, statusReason }, s.users.sales);
      expect(out.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'statusReason'] })]);
    }
    expect(codes(await run(SET_STATUS, { id, statusReason: 'CONTACTED', expectedVersion: 7 }, s.users.sales))).toEqual(['VERSION_CONFLICT']);
    const [closed] = await insertLeads(s, s.users.sales, [{ state: 'DISQUALIFIED', status_reason: 'LOST' }]);
    expect(codes(await run(SET_STATUS, { id: closed, statusReason: 'CONTACTED' }, s.users.sales))).toEqual(['LEAD_NOT_OPEN']);
    expect((await s.db.query('select version, status_reason from lead where id = $1', [id])).rows[0]).toEqual({ version: 1, status_reason: 'NEW' });
  });

  test('access: a SALESPERSON only on its own leads, unknown ids NOT_FOUND, a PARTNER not at all', async () => {
    const id = await createLead(s, s.users.sales);
    expect(codes(await run(SET_STATUS, { id, statusReason: 'CONTACTED' }, s.users.sales2))).toEqual(['FORBIDDEN']);
    expect(codes(await run(SET_STATUS, { id: randomUUID(), statusReason: 'CONTACTED' }, s.users.sales))).toEqual(['NOT_FOUND']);
    const partner = await s.gql(SET_STATUS, { input: { id, statusReason: 'CONTACTED' } }, { as: s.users.partner });
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('completing an OUTGOING activity of a NEW lead makes it CONTACTED, with a version and a history entry', async () => {
    const id = await createLead(s, s.users.sales);
    const { activity: incoming } = await logActivity(s, s.users.sales, { leadId: id, kind: 'PHONE_CALL', subject: 'They called', direction: 'INCOMING' });
    await run(COMPLETE_ACTIVITY, { activityId: incoming.id }, s.users.sales);
    expect(await worked(id)).toMatchObject({ statusReason: 'NEW', version: 1 });
    const { activity } = await logActivity(s, s.users.sales, { leadId: id, kind: 'EMAIL', subject: 'Intro', direction: 'OUTGOING' });
    const done = await run(COMPLETE_ACTIVITY, { activityId: activity.id }, s.users.sales);
    expect(done.activity.status).toBe('COMPLETED');
    expect(await worked(id)).toMatchObject({ statusReason: 'CONTACTED', version: 2 });
    expect(await history(id, 'STATUS_CHANGED')).toEqual([[{ field: 'statusReason', oldValue: 'NEW', newValue: 'CONTACTED' }]]);
    // A CONTACTED lead stays as it is.
    const { activity: again } = await logActivity(s, s.users.sales, { leadId: id, kind: 'EMAIL', subject: 'Follow-up', direction: 'OUTGOING' });
    await run(COMPLETE_ACTIVITY, { activityId: again.id }, s.users.sales);
    expect(await worked(id)).toMatchObject({ statusReason: 'CONTACTED', version: 2 });
  });
});

describe('updateNote and deleteNote', () => {
  test('the author edits its note: NOTE_UPDATED, no version bump, lastActivityAt stays', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { note } = await addNote(s, s.users.sales, { leadId, text: 'Draft' });
    const before = await worked(leadId);
    const out = await run(UPDATE_NOTE, { noteId: note.id, text: 'Final text' }, s.users.sales);
    expect(out).toEqual({ note: { id: note.id, text: 'Final text' }, userErrors: [] });
    expect(await history(leadId, 'NOTE_UPDATED')).toEqual([[
      { field: 'noteId', oldValue: note.id, newValue: note.id }, { field: 'text', oldValue: 'Draft', newValue: 'Final text' },
    ]]);
    expect(await worked(leadId)).toEqual(before);
  });

  test('MANAGER and ADMIN edit anyone\'s note; another SALESPERSON, or the owner on a note it did not write, is FORBIDDEN', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { note: mine } = await addNote(s, s.users.sales, { leadId, text: 'by sales' });
    const { note: managers } = await addNote(s, s.users.manager, { leadId, text: 'by manager' });
    expect((await run(UPDATE_NOTE, { noteId: mine.id, text: 'edited by manager' }, s.users.manager)).userErrors).toEqual([]);
    expect((await run(UPDATE_NOTE, { noteId: mine.id, text: 'edited by admin' }, s.users.admin)).userErrors).toEqual([]);
    expect(codes(await run(UPDATE_NOTE, { noteId: mine.id, text: 'x' }, s.users.sales2))).toEqual(['FORBIDDEN']);
    expect(codes(await run(UPDATE_NOTE, { noteId: managers.id, text: 'x' }, s.users.sales))).toEqual(['FORBIDDEN']);
    expect(codes(await run(DELETE_NOTE, { noteId: managers.id }, s.users.sales))).toEqual(['FORBIDDEN']);
    expect(codes(await run(DELETE_NOTE, { noteId: mine.id }, s.users.sales2))).toEqual(['FORBIDDEN']);
    // The author whose lead went to someone else writes that lead no more.
    await s.db.query('update lead set owner_id = $1 where id = $2', [s.users.sales2.id, leadId]);
    expect(codes(await run(UPDATE_NOTE, { noteId: mine.id, text: 'x' }, s.users.sales))).toEqual(['FORBIDDEN']);
    const partner = await s.gql(UPDATE_NOTE, { input: { noteId: mine.id, text: 'x' } }, { as: s.users.partner });
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await s.db.query('select text from note where id = $1', [mine.id])).rows[0].text).toBe('edited by admin');
  });

  test('NOT_FOUND, VALIDATION and LEAD_NOT_OPEN write nothing', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { note } = await addNote(s, s.users.sales, { leadId, text: 'Keep' });
    expect(codes(await run(UPDATE_NOTE, { noteId: randomUUID(), text: 'x' }))).toEqual(['NOT_FOUND']);
    expect(codes(await run(UPDATE_NOTE, { noteId: 'nope', text: 'x' }))).toEqual(['NOT_FOUND']);
    expect(codes(await run(DELETE_NOTE, { noteId: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect((await run(UPDATE_NOTE, { noteId: note.id, text: '   ' }, s.users.sales)).userErrors)
      .toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'text'] })]);
    await s.db.query("update lead set state = 'DISQUALIFIED', status_reason = 'LOST' where id = $1", [leadId]);
    expect(codes(await run(UPDATE_NOTE, { noteId: note.id, text: 'x' }, s.users.sales))).toEqual(['LEAD_NOT_OPEN']);
    expect(codes(await run(DELETE_NOTE, { noteId: note.id }, s.users.sales))).toEqual(['LEAD_NOT_OPEN']);
    expect((await s.db.query('select text from note where id = $1', [note.id])).rows[0].text).toBe('Keep');
    expect(await history(leadId, 'NOTE_UPDATED')).toEqual([]);
  });

  test('deleting a note deletes its attachment, writes NOTE_DELETED and recomputes lastActivityAt', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { note: first } = await addNote(s, s.users.sales, { leadId, text: 'first' });
    const { note } = await addNote(s, s.users.sales, {
      leadId, text: 'with file', attachment: { fileName: 'deck.pdf', mimeType: 'application/pdf', contentBase64: Buffer.from('%PDF').toString('base64') },
    });
    expect((await worked(leadId)).lastActivityAt).toBe(note.createdAt);
    const out = await run(DELETE_NOTE, { noteId: note.id }, s.users.sales);
    expect(out).toEqual({ deletedNoteId: note.id, userErrors: [] });
    expect((await s.db.query('select count(*)::int as n from attachment where note_id = $1', [note.id])).rows[0].n).toBe(0);
    expect((await s.db.query('select count(*)::int as n from note where id = $1', [note.id])).rows[0].n).toBe(0);
    expect(await history(leadId, 'NOTE_DELETED')).toEqual([[
      { field: 'noteId', oldValue: note.id, newValue: null }, { field: 'text', oldValue: 'with file', newValue: null },
      { field: 'attachment', oldValue: 'deck.pdf', newValue: null },
    ]]);
    expect((await worked(leadId)).lastActivityAt).toBe(first.createdAt);
    await run(DELETE_NOTE, { noteId: first.id }, s.users.manager);
    expect((await worked(leadId)).lastActivityAt).toBeNull();
  });
});

describe('cancelActivity', () => {
  test('OPEN → CANCELED with ACTIVITY_CANCELED; canceling again or a completed one is ACTIVITY_NOT_OPEN', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'TASK', subject: 'Send quote' });
    const out = await run(CANCEL, { activityId: activity.id }, s.users.sales);
    expect(out).toEqual({ activity: { id: activity.id, status: 'CANCELED', completedAt: null }, userErrors: [] });
    expect(await history(leadId, 'ACTIVITY_CANCELED')).toEqual([[
      { field: 'activityId', oldValue: activity.id, newValue: activity.id }, { field: 'status', oldValue: 'OPEN', newValue: 'CANCELED' },
    ]]);
    expect(codes(await run(CANCEL, { activityId: activity.id }, s.users.sales))).toEqual(['ACTIVITY_NOT_OPEN']);
    const { activity: done } = await logActivity(s, s.users.sales, { leadId, kind: 'TASK', subject: 'Done' });
    await run(COMPLETE_ACTIVITY, { activityId: done.id }, s.users.sales);
    expect(codes(await run(CANCEL, { activityId: done.id }, s.users.sales))).toEqual(['ACTIVITY_NOT_OPEN']);
    expect((await s.db.query('select status from activity where id = $1', [done.id])).rows[0].status).toBe('COMPLETED');
  });

  test('access and lookups: FORBIDDEN for a foreign SALESPERSON, NOT_FOUND for unknown ids, LEAD_NOT_OPEN on closed leads', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'TASK', subject: 'Keep' });
    expect(codes(await run(CANCEL, { activityId: activity.id }, s.users.sales2))).toEqual(['FORBIDDEN']);
    expect(codes(await run(CANCEL, { activityId: randomUUID() }, s.users.sales))).toEqual(['NOT_FOUND']);
    const partner = await s.gql(CANCEL, { input: { activityId: activity.id } }, { as: s.users.partner });
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await s.db.query("update lead set state = 'DISQUALIFIED', status_reason = 'LOST' where id = $1", [leadId]);
    expect(codes(await run(CANCEL, { activityId: activity.id }, s.users.manager))).toEqual(['LEAD_NOT_OPEN']);
    expect((await s.db.query('select status from activity where id = $1', [activity.id])).rows[0].status).toBe('OPEN');
  });
});

describe('lastActivityAt and nextFollowUpAt', () => {
  test('move with each command in its transaction', async () => {
    const leadId = await createLead(s, s.users.sales);
    expect(await worked(leadId)).toMatchObject({ lastActivityAt: null, nextFollowUpAt: null });
    const soon = iso(Date.now() + 86_400_000);
    const later = iso(Date.now() + 3 * 86_400_000);
    const { activity: a } = await logActivity(s, s.users.sales, { leadId, kind: 'PHONE_CALL', subject: 'Call', dueAt: later });
    expect(await worked(leadId)).toMatchObject({ lastActivityAt: a.createdAt, nextFollowUpAt: later });
    const { activity: b } = await logActivity(s, s.users.sales, { leadId, kind: 'TASK', subject: 'Quote', dueAt: soon });
    expect(await worked(leadId)).toMatchObject({ lastActivityAt: b.createdAt, nextFollowUpAt: soon });
    const { note } = await addNote(s, s.users.sales, { leadId, text: 'met' });
    expect(await worked(leadId)).toMatchObject({ lastActivityAt: note.createdAt, nextFollowUpAt: soon });
    await run(CANCEL, { activityId: b.id }, s.users.sales);
    expect(await worked(leadId)).toMatchObject({ lastActivityAt: note.createdAt, nextFollowUpAt: later });
    const done = await run(COMPLETE_ACTIVITY, { activityId: a.id }, s.users.sales);
    expect(await worked(leadId)).toMatchObject({ lastActivityAt: done.activity.completedAt, nextFollowUpAt: null });
    // Neither is a field of the lead's own: no version, no history.
    expect((await worked(leadId)).version).toBe(1);
  });

  const page = `query($first: Int, $after: String, $orderBy: LeadOrder, $filter: LeadFilter) {
    leads(first: $first, after: $after, orderBy: $orderBy, filter: $filter) { nodes { id nextFollowUpAt lastActivityAt } pageInfo { hasNextPage endCursor } } }`;
  async function all(filter: Record<string, unknown>, orderBy: Record<string, unknown>, first: number): Promise<any[]> {
    const seen: any[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await s.gql(page, { first, after, orderBy, filter });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.leads.nodes);
      if (!res.data.leads.pageInfo.hasNextPage) return seen;
      after = res.data.leads.pageInfo.endCursor;
    }
  }

  test('NEXT_FOLLOW_UP_AT and LAST_ACTIVITY_AT page exactly once, with many equal values and nulls last both ways', async () => {
    const owner = await s.createUser('SALESPERSON' as never, `pager-${randomUUID().slice(0, 6)}`);
    const t1 = '2030-01-01T10:00:00.000Z';
    const t2 = '2030-01-02T10:00:00.000Z';
    const values = [...Array(9).fill(t1), ...Array(8).fill(t2), ...Array(10).fill(null), '2029-12-31T00:00:00.000Z'];
    const ids = await insertLeads(s, owner, values.map(() => ({})));
    await s.db.query(`update lead set next_follow_up_at = v.t::timestamptz, last_activity_at = v.t::timestamptz
      from unnest($1::uuid[], $2::text[]) as v(id, t) where lead.id = v.id`, [ids, values]);
    const expected = (dir: 'ASC' | 'DESC') => ids.map((id, i) => ({ id, t: values[i] })).sort((x, y) => {
      if (x.t === y.t) return dir === 'ASC' ? (x.id < y.id ? -1 : 1) : (x.id < y.id ? 1 : -1);
      if (x.t === null) return 1;
      if (y.t === null) return -1;
      return (x.t < y.t ? -1 : 1) * (dir === 'ASC' ? 1 : -1);
    }).map((x) => x.id);
    for (const field of ['NEXT_FOLLOW_UP_AT', 'LAST_ACTIVITY_AT']) {
      for (const direction of ['ASC', 'DESC'] as const) {
        for (const first of [1, 4, 7]) {
          const got = await all({ ownerId: owner.id }, { field, direction }, first);
          expect(got.map((n) => n.id)).toEqual(expected(direction));
        }
      }
    }
    // A cursor of a null position and of another ordering.
    const nulls = await all({ ownerId: owner.id }, { field: 'NEXT_FOLLOW_UP_AT', direction: 'DESC' }, 20);
    expect(nulls.slice(-10).every((n) => n.nextFollowUpAt === null)).toBe(true);
    const firstPage: any = await s.gql(page, { first: 1, orderBy: { field: 'NEXT_FOLLOW_UP_AT', direction: 'ASC' }, filter: { ownerId: owner.id } });
    const other = await s.gql(page, { first: 1, after: firstPage.data.leads.pageInfo.endCursor, orderBy: { field: 'LAST_ACTIVITY_AT', direction: 'ASC' } });
    expect(other.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('each direction reads its expression index', async () => {
    await s.db.query('set enable_seqscan = off');
    for (const [expr, index] of [
      ["coalesce(l.next_follow_up_at, 'infinity'::timestamptz), l.id", 'lead_next_follow_up_asc_idx'],
      ["coalesce(l.next_follow_up_at, '-infinity'::timestamptz) desc, l.id desc", 'lead_next_follow_up_desc_idx'],
      ["coalesce(l.last_activity_at, 'infinity'::timestamptz), l.id", 'lead_last_activity_asc_idx'],
      ["coalesce(l.last_activity_at, '-infinity'::timestamptz) desc, l.id desc", 'lead_last_activity_desc_idx'],
    ]) {
      const plan = await s.db.query(`explain select l.id from lead l order by ${expr} limit 5`);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(index);
    }
    await s.db.query('reset enable_seqscan');
  });

  test('filters: followUpDue, untouchedSince, industry', async () => {
    const owner = await s.createUser('SALESPERSON' as never, `filter-${randomUUID().slice(0, 6)}`);
    const [due, notDue, none, old] = await insertLeads(s, owner, [{}, {}, {}, {}]);
    await s.db.query(`update lead set next_follow_up_at = now() - interval '1 hour', last_activity_at = now() where id = $1`, [due]);
    await s.db.query(`update lead set next_follow_up_at = now() + interval '1 day', last_activity_at = now() where id = $1`, [notDue]);
    await s.db.query(`update lead set last_activity_at = '2020-01-01', industry = 'CONSULTING' where id = $1`, [old]);
    const ids = async (filter: Record<string, unknown>) =>
      (await all({ ownerId: owner.id, ...filter }, { field: 'CREATED_AT', direction: 'ASC' }, 10)).map((n) => n.id).sort();
    expect(await ids({ followUpDue: true })).toEqual([due]);
    expect(await ids({ followUpDue: false })).toEqual([notDue, none, old].sort());
    expect(await ids({ untouchedSince: '2021-01-01T00:00:00.000Z' })).toEqual([none, old].sort());
    expect(await ids({ industry: ['CONSULTING', 'LEGAL_SERVICES'] })).toEqual([old]);
  });
});

describe('qualify carries everything', () => {
  const FULL = `mutation Q($input: QualifyLeadsInput!) { qualifyLeads(input: $input) { qualifiedCount userErrors { code field }
    results { userErrors { code message field } lead { id } accountCreated contactCreated
      account { id name website phone industry address { line1 line2 city stateOrProvince postalCode country } }
      contact { id mobilePhone businessPhone address { city country } }
      opportunity { id name description source purchaseTimeframe purchaseProcess budgetStatus decisionMakerIdentified salesStage
        currencyCode estimatedValue { amount currencyCode } owner { id } } } } }`;
  const qualify = async (input: Record<string, unknown>, as: TestUser = s.users.admin) => run(FULL, { currencyCode: 'USD', ...input }, as);
  const complete = async (as: TestUser = s.users.sales, over: Record<string, unknown> = {}) => {
    const res = await s.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { message } } }`, { input: {
      topic: 'Espresso machines', lastName: 'Davolio', firstName: 'Nancy', companyName: `Fabrikam ${randomUUID().slice(0, 8)}`,
      email: `n.${randomUUID().slice(0, 8)}@fabrikam.example`, mobilePhone: '+1 206 555 0111', website: 'fabrikam.example', industry: 'CONSULTING',
      address: { line1: '1 Main St', line2: null, city: 'Seattle', stateOrProvince: 'WA', postalCode: '98101', country: 'USA' },
      description: 'Needs 20 machines', source: 'TRADE_SHOW', purchaseTimeframe: 'THIS_QUARTER', purchaseProcess: 'COMMITTEE',
      budgetStatus: 'CAN_BUY', decisionMakerIdentified: true, budget: { amount: '1000.00', currencyCode: 'USD' }, ...over,
    } }, { as });
    return res.data.createLead.lead.id as string;
  };

  test('the opportunity, account and contact get the lead\'s fields; the opportunity is at DEVELOP', async () => {
    const id = await complete();
    expect((await worked(id)).qualifyChecklist).toEqual({ complete: true, missing: [] });
    const out = await qualify({ leadIds: [id], requireCompleteChecklist: true }, s.users.sales);
    expect(out.results[0].userErrors).toEqual([]);
    expect(out.results[0]).toMatchObject({
      account: { website: 'fabrikam.example', industry: 'CONSULTING', address: { line1: '1 Main St', line2: null, city: 'Seattle', stateOrProvince: 'WA', postalCode: '98101', country: 'USA' } },
      contact: { mobilePhone: '+1 206 555 0111', businessPhone: '+1 206 555 0111', address: { city: 'Seattle', country: 'USA' } },
      opportunity: {
        name: 'Espresso machines', description: 'Needs 20 machines', source: 'TRADE_SHOW', purchaseTimeframe: 'THIS_QUARTER',
        purchaseProcess: 'COMMITTEE', budgetStatus: 'CAN_BUY', decisionMakerIdentified: true, salesStage: 'DEVELOP',
        estimatedValue: { amount: '1000.00', currencyCode: 'USD' }, owner: { id: s.users.sales.id },
      },
    });
    // The read path reads the same columns.
    const read = await s.gql(`query($id: ID!) { opportunity(id: $id) { salesStage description decisionMakerIdentified account { address { city } } contact { mobilePhone } } }`,
      { id: out.results[0].opportunity.id });
    expect(read.data.opportunity).toEqual({ salesStage: 'DEVELOP', description: 'Needs 20 machines', decisionMakerIdentified: true, account: { address: { city: 'Seattle' } }, contact: { mobilePhone: '+1 206 555 0111' } });
  });

  test('requireCompleteChecklist: an incomplete lead fails with STAGE_INCOMPLETE naming what is missing', async () => {
    const id = await complete(s.users.sales, { budget: null, description: null, decisionMakerIdentified: false });
    expect((await worked(id)).qualifyChecklist).toEqual({ complete: false, missing: ['budget', 'decisionMakerIdentified', 'description'] });
    const out = await qualify({ leadIds: [id], requireCompleteChecklist: true }, s.users.sales);
    expect(out.results[0].userErrors).toEqual([{ code: 'STAGE_INCOMPLETE', field: ['input', 'leadIds', '0'],
      message: expect.stringMatching(/budget, decisionMakerIdentified, description/) }]);
    expect((await s.db.query('select state from lead where id = $1', [id])).rows[0].state).toBe('OPEN');
    // Without the flag the same lead qualifies.
    expect((await qualify({ leadIds: [id] }, s.users.sales)).qualifiedCount).toBe(1);
  });

  test('overrides link the given account and contact, name the opportunity and give it another owner', async () => {
    const [a, b] = [await complete(), await complete()];
    const account = (await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), 'Linked Co', 'linkedco', now()) returning id`)).rows[0].id;
    const contact = (await s.db.query(`insert into contact (id, last_name, created_at) values (gen_random_uuid(), 'Linked', now()) returning id`)).rows[0].id;
    const out = await qualify({ leadIds: [a, b], overrides: [
      { leadId: a, accountId: account, contactId: contact },
      { leadId: b, opportunityName: 'Big deal', opportunityOwnerId: s.users.manager.id },
    ] }, s.users.sales);
    expect(out.results.map((r: any) => r.userErrors)).toEqual([[], []]);
    expect(out.results[0]).toMatchObject({ accountCreated: false, contactCreated: false, account: { id: account }, contact: { id: contact } });
    expect(out.results[1]).toMatchObject({ accountCreated: true, opportunity: { name: 'Big deal', owner: { id: s.users.manager.id } } });
  });

  test('override errors: NOT_FOUND and a PARTNER owner fail the lead; a foreign or repeated lead refuses the call', async () => {
    const [a, b, c] = [await complete(), await complete(), await complete()];
    const out = await qualify({ leadIds: [a, b, c], overrides: [
      { leadId: a, accountId: randomUUID() }, { leadId: b, contactId: 'not-an-id' }, { leadId: c, opportunityOwnerId: s.users.partner.id },
    ] }, s.users.sales);
    expect(out.results.map((r: any) => r.userErrors.map((e: any) => [e.code, e.field]))).toEqual([
      [['NOT_FOUND', ['input', 'overrides', '0', 'accountId']]],
      [['NOT_FOUND', ['input', 'overrides', '1', 'contactId']]],
      [['VALIDATION', ['input', 'overrides', '2', 'opportunityOwnerId']]],
    ]);
    const unknownOwner = await qualify({ leadIds: [a], overrides: [{ leadId: a, opportunityOwnerId: randomUUID() }] }, s.users.sales);
    expect(codes(unknownOwner.results[0])).toEqual(['NOT_FOUND']);
    const refusedCall = await qualify({ leadIds: [a], overrides: [{ leadId: b }, { leadId: a }, { leadId: a }] }, s.users.sales);
    expect(refusedCall.userErrors).toEqual([
      { code: 'VALIDATION', field: ['input', 'overrides', '0', 'leadId'] }, { code: 'VALIDATION', field: ['input', 'overrides', '2', 'leadId'] },
    ]);
    expect((await s.db.query(`select count(*)::int as n from lead where id = any($1) and state = 'OPEN'`, [[a, b, c]])).rows[0].n).toBe(3);
  });

  test('an override\'s opportunityName is 1..300 characters, not blank: VALIDATION for the call', async () => {
    const id = await complete();
    for (const opportunityName of ['   ', 'x'.repeat(301)]) {
      const out = await qualify({ leadIds: [id], overrides: [{ leadId: id, opportunityName }] }, s.users.sales);
      expect(out.userErrors).toEqual([{ code: 'VALIDATION', field: ['input', 'overrides', '0', 'opportunityName'] }]);
      expect(out.results).toEqual([]);
    }
    expect((await s.db.query('select state from lead where id = $1', [id])).rows[0].state).toBe('OPEN');
  });

  test('re-qualifying a reactivated lead brings its opportunity\'s currency and value up to date', async () => {
    const id = await complete();
    const first = await qualify({ leadIds: [id] }, s.users.sales);
    const opportunity = first.results[0].opportunity.id;
    await run(`mutation($input: ReactivateLeadInput!) { reactivateLead(input: $input) { userErrors { code } } }`, { id }, s.users.sales);
    await s.gql(`mutation($input: UpdateLeadInput!) { updateLead(input: $input) { userErrors { code } } }`,
      { input: { id, budget: { amount: '2000.00', currencyCode: 'USD' } } }, { as: s.users.sales });
    const again = await qualify({ leadIds: [id], currencyCode: 'EUR' }, s.users.sales);
    expect(again.results[0]).toMatchObject({ userErrors: [], opportunity: { id: opportunity, currencyCode: 'EUR', estimatedValue: { amount: '1840.00', currencyCode: 'EUR' } } });
    expect((await s.db.query('select currency_code, estimated_value from opportunity where id = $1', [opportunity])).rows[0])
      .toEqual({ currency_code: 'EUR', estimated_value: '1840.00' });
  });

  test('PostgreSQL refuses an unknown sales stage and an overlong address', async () => {
    const id = await complete();
    const out = await qualify({ leadIds: [id] }, s.users.sales);
    await expect(s.db.query("update opportunity set sales_stage = 'WON' where id = $1", [out.results[0].opportunity.id])).rejects.toThrow(/opportunity_sales_stage_check/);
    await expect(s.db.query('update account set address_city = $1 where id = $2', ['x'.repeat(81), out.results[0].account.id])).rejects.toThrow(/too long/);
  });
});

describe('users', () => {
  const USERS = `query($first: Int, $after: String, $search: String, $role: [Role!]) {
    users(first: $first, after: $after, search: $search, role: $role) { nodes { id name role } pageInfo { hasNextPage endCursor } totalCount } }`;

  test('staff list users by name, search name or email, filter by role, and page', async () => {
    const tag = randomUUID().slice(0, 6);
    const made = [await s.createUser('SALESPERSON' as never, `zed-${tag}-b`), await s.createUser('MANAGER' as never, `Zed-${tag}-a`),
      await s.createUser('PARTNER' as never, `zed-${tag}-c`)];
    const res = await s.gql(USERS, { search: `ZED-${tag}` }, { as: s.users.sales });
    expect(res.data.users.nodes.map((u: any) => u.id)).toEqual([made[1].id, made[0].id, made[2].id]);
    expect(res.data.users.totalCount).toBe(3);
    const byEmail = await s.gql(USERS, { search: `zed-${tag}-c@test` }, { as: s.users.manager });
    expect(byEmail.data.users.nodes.map((u: any) => u.id)).toEqual([made[2].id]);
    const roles = await s.gql(USERS, { search: tag, role: ['MANAGER', 'SALESPERSON'] });
    expect(roles.data.users.nodes.map((u: any) => u.role)).toEqual(['MANAGER', 'SALESPERSON']);
    const one = await s.gql(USERS, { search: tag, first: 1 });
    const two = await s.gql(USERS, { search: tag, first: 2, after: one.data.users.pageInfo.endCursor });
    expect([...one.data.users.nodes, ...two.data.users.nodes].map((u: any) => u.id)).toEqual([made[1].id, made[0].id, made[2].id]);
  });

  test('a PARTNER gets an empty list', async () => {
    const res = await s.gql(USERS, {}, { as: s.users.partner });
    expect(res.errors).toBeUndefined();
    expect(res.data.users).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
  });
});

test('the lead\'s qualifyChecklist names every empty field of a new lead', async () => {
  const id = await createLead(s, s.users.sales);
  expect((await worked(id)).qualifyChecklist).toEqual({
    complete: false, missing: ['purchaseTimeframe', 'budget', 'purchaseProcess', 'decisionMakerIdentified', 'description'],
  });
});

describe('concurrency', () => {
  test('concurrent activities leave nextFollowUpAt at the earliest due date and lastActivityAt at the newest', async () => {
    const leadId = await createLead(s, s.users.sales);
    const dues = Array.from({ length: 12 }, (_, i) => iso(Date.parse('2031-01-01T00:00:00.000Z') + ((i * 7) % 12) * 3_600_000));
    const logged = await Promise.all(dues.map((dueAt, i) => logActivity(s, s.users.sales, { leadId, kind: 'TASK', subject: `Task ${i}`, dueAt })));
    const newest = logged.map((l) => l.activity.createdAt).sort().at(-1);
    expect(await worked(leadId)).toMatchObject({ nextFollowUpAt: [...dues].sort()[0], lastActivityAt: newest });
    // Cancel the six earliest at once: the earliest of the rest is next.
    const byDue = logged.map((l) => l.activity).sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1));
    await Promise.all(byDue.slice(0, 6).map((a) => run(CANCEL, { activityId: a.id }, s.users.sales)));
    expect((await worked(leadId)).nextFollowUpAt).toBe(byDue[6].dueAt);
  });

  test('a cancel racing a completion: exactly one wins', async () => {
    const leadId = await createLead(s, s.users.sales);
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'PHONE_CALL', subject: 'Race', direction: 'OUTGOING' });
    const [canceled, completed] = await Promise.all([
      run(CANCEL, { activityId: activity.id }, s.users.sales), run(COMPLETE_ACTIVITY, { activityId: activity.id }, s.users.manager),
    ]);
    expect([canceled.userErrors.length, completed.userErrors.length].sort()).toEqual([0, 1]);
    const status = (await s.db.query('select status from activity where id = $1', [activity.id])).rows[0].status;
    expect(status).toBe(canceled.userErrors.length ? 'COMPLETED' : 'CANCELED');
    // The lead is CONTACTED exactly when the completion won.
    expect((await worked(leadId)).statusReason).toBe(status === 'COMPLETED' ? 'CONTACTED' : 'NEW');
  });

  test('two status changes with the same expectedVersion: one VERSION_CONFLICT', async () => {
    const id = await createLead(s, s.users.sales);
    const outs = await Promise.all([
      run(SET_STATUS, { id, statusReason: 'CONTACTED', expectedVersion: 1 }, s.users.sales),
      run(SET_STATUS, { id, statusReason: 'CONTACTED', expectedVersion: 1 }, s.users.manager),
    ]);
    expect(outs.map(codes).sort()).toEqual([[], ['VERSION_CONFLICT']]);
    expect(await history(id, 'STATUS_CHANGED')).toHaveLength(1);
  });
});
