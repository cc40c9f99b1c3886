import { startTestServer, type TestServer } from './support/server';
import { COMPLETE_ACTIVITY, count, createLead, LOG_ACTIVITY, logActivity } from './support/timeline';

let s: TestServer;
let leadId: string;
beforeAll(async () => {
  s = await startTestServer();
  leadId = await createLead(s, s.users.sales);
});
afterAll(async () => { await s?.stop(); });

const complete = async (activityId: string, as = s.users.sales) => {
  const res = await s.gql(COMPLETE_ACTIVITY, { input: { activityId } }, { as });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.completeActivity as { activity: any; userErrors: any[] };
};
const leadVersion = async (id: string) => (await s.db.query('select version from lead where id = $1', [id])).rows[0].version;
const auditOf = async (action: string, activityId: string) => (await s.db.query(
  `select actor_id, changes from audit_entry where entity_type = 'Lead' and entity_id = $1 and action = $2 and changes @> $3::jsonb`,
  [leadId, action, JSON.stringify([{ field: 'activityId', newValue: activityId }])])).rows;

test.each(['PHONE_CALL', 'EMAIL', 'TASK', 'APPOINTMENT'])('logActivity records a %s owned by the caller', async (kind) => {
  const version = await leadVersion(leadId);
  const { activity, userErrors } = await logActivity(s, s.users.sales, {
    leadId, kind, subject: `  ${kind} with Jane  `, description: 'Talked budget', direction: 'OUTGOING', dueAt: '2027-03-01T10:00:00.000Z',
  });
  expect(userErrors).toEqual([]);
  expect(activity).toEqual({
    id: expect.any(String), kind, subject: `${kind} with Jane`, description: 'Talked budget', direction: 'OUTGOING',
    status: 'OPEN', dueAt: '2027-03-01T10:00:00.000Z', completedAt: null, createdAt: expect.any(String),
    owner: { id: s.users.sales.id, name: 'sales' },
  });
  expect(await leadVersion(leadId)).toBe(version);
  expect(await auditOf('ACTIVITY_LOGGED', activity.id)).toEqual([{
    actor_id: s.users.sales.id,
    changes: [
      { field: 'activityId', oldValue: null, newValue: activity.id }, { field: 'kind', oldValue: null, newValue: kind },
      { field: 'subject', oldValue: null, newValue: `${kind} with Jane` }, { field: 'direction', oldValue: null, newValue: 'OUTGOING' },
      { field: 'dueAt', oldValue: null, newValue: '2027-03-01T10:00:00.000Z' },
    ],
  }]);
});

test('only kind and subject are required', async () => {
  const { activity, userErrors } = await logActivity(s, s.users.manager, { leadId, kind: 'TASK', subject: 'Send pricing' });
  expect(userErrors).toEqual([]);
  expect(activity).toMatchObject({ description: null, direction: null, dueAt: null, owner: { id: s.users.manager.id } });
});

test.each<[string, Record<string, unknown>, string[]]>([
  ['a blank subject', { subject: '   ' }, ['input', 'subject']],
  ['a subject over 200 characters', { subject: 's'.repeat(201) }, ['input', 'subject']],
  ['a description over 10000 characters', { description: 'd'.repeat(10_001) }, ['input', 'description']],
])('%s is VALIDATION and writes nothing', async (_name, over, field) => {
  const before = await count(s, 'activity', leadId);
  const res = await logActivity(s, s.users.sales, { leadId, kind: 'EMAIL', subject: 'ok', ...over });
  expect(res.activity).toBeNull();
  expect(res.userErrors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field }]);
  expect(await count(s, 'activity', leadId)).toBe(before);
});

test('a kind outside the enum is refused before anything runs', async () => {
  const before = await count(s, 'activity', leadId);
  const literal = await s.gql(`mutation($leadId: ID!) { logActivity(input: { leadId: $leadId, kind: FAX, subject: "x" }) { userErrors { code } } }`,
    { leadId }, { as: s.users.sales });
  expect(literal.data).toBeUndefined();
  expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const variable = await s.gql(LOG_ACTIVITY, { input: { leadId, kind: 'FAX', subject: 'x' } }, { as: s.users.sales });
  expect(variable.data).toBeUndefined();
  expect(variable.errors).toHaveLength(1);
  expect(await count(s, 'activity', leadId)).toBe(before);
});

describe('completeActivity', () => {
  test('moves OPEN to COMPLETED once; a second time is a VALIDATION error that changes nothing', async () => {
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'PHONE_CALL', subject: 'Follow-up' });
    const version = await leadVersion(leadId);
    const first = await complete(activity.id);
    expect(first.userErrors).toEqual([]);
    expect(first.activity).toMatchObject({ id: activity.id, status: 'COMPLETED', completedAt: expect.any(String), owner: { id: s.users.sales.id } });
    expect(Date.parse(first.activity.completedAt)).toBeGreaterThanOrEqual(Date.parse(activity.createdAt));
    expect(await leadVersion(leadId)).toBe(version);
    expect(await auditOf('ACTIVITY_COMPLETED', activity.id)).toEqual([{
      actor_id: s.users.sales.id,
      changes: [
        { field: 'activityId', oldValue: activity.id, newValue: activity.id },
        { field: 'status', oldValue: 'OPEN', newValue: 'COMPLETED' },
        { field: 'completedAt', oldValue: null, newValue: first.activity.completedAt },
      ],
    }]);

    const second = await complete(activity.id);
    expect(second.activity).toBeNull();
    expect(second.userErrors).toEqual([{ code: 'VALIDATION', message: expect.stringContaining('already completed'), field: ['input', 'activityId'] }]);
    const row = (await s.db.query('select completed_at from activity where id = $1', [activity.id])).rows[0];
    expect(row.completed_at.toISOString()).toBe(first.activity.completedAt);
    expect(await auditOf('ACTIVITY_COMPLETED', activity.id)).toHaveLength(1);
  });

  test('racing completions: exactly one wins', async () => {
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'TASK', subject: 'Race' });
    const results = await Promise.all(Array.from({ length: 6 }, () => complete(activity.id)));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'VALIDATION')).toHaveLength(5);
  });

  test('a CANCELED activity cannot be completed', async () => {
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'APPOINTMENT', subject: 'Canceled meeting' });
    await s.db.query(`update activity set status = 'CANCELED' where id = $1`, [activity.id]);
    const res = await complete(activity.id);
    expect(res.userErrors).toEqual([{ code: 'VALIDATION', message: expect.stringContaining('canceled'), field: ['input', 'activityId'] }]);
  });

  test('unknown and malformed ids are NOT_FOUND', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', '42']) {
      expect((await complete(id, s.users.admin)).userErrors).toEqual([{ code: 'NOT_FOUND', message: 'Activity not found', field: ['input', 'activityId'] }]);
    }
  });

  test('the lead must be OPEN', async () => {
    const lead = await createLead(s, s.users.sales, 'Closing');
    const { activity } = await logActivity(s, s.users.sales, { leadId: lead, kind: 'EMAIL', subject: 'Mail' });
    await s.db.query(`update lead set state = 'DISQUALIFIED', status_reason = 'LOST' where id = $1`, [lead]);
    expect((await complete(activity.id)).userErrors.map((e) => e.code)).toEqual(['LEAD_NOT_OPEN']);
    expect((await logActivity(s, s.users.sales, { leadId: lead, kind: 'EMAIL', subject: 'x' })).userErrors.map((e) => e.code)).toEqual(['LEAD_NOT_OPEN']);
  });
});

describe('access', () => {
  test('a PARTNER may run neither mutation', async () => {
    const own = await createLead(s, s.users.partner, 'Partner lead');
    const logged = await s.gql(LOG_ACTIVITY, { input: { leadId: own, kind: 'EMAIL', subject: 'x' } }, { as: s.users.partner });
    expect(logged.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { activity } = await logActivity(s, s.users.manager, { leadId: own, kind: 'EMAIL', subject: 'x' });
    const completed = await s.gql(COMPLETE_ACTIVITY, { input: { activityId: activity.id } }, { as: s.users.partner });
    expect(completed.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await s.db.query('select status from activity where id = $1', [activity.id])).rows[0].status).toBe('OPEN');
  });

  test('a SALESPERSON may not log or complete on another salesperson\'s lead', async () => {
    expect((await logActivity(s, s.users.sales2, { leadId, kind: 'EMAIL', subject: 'x' })).userErrors)
      .toEqual([{ code: 'FORBIDDEN', message: expect.any(String), field: ['input', 'leadId'] }]);
    const { activity } = await logActivity(s, s.users.sales, { leadId, kind: 'EMAIL', subject: 'mine' });
    expect((await complete(activity.id, s.users.sales2)).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((await complete(activity.id, s.users.manager)).userErrors).toEqual([]);
  });

  test('unknown leads are NOT_FOUND', async () => {
    expect((await logActivity(s, s.users.admin, { leadId: '00000000-0000-4000-8000-000000000000', kind: 'EMAIL', subject: 'x' })).userErrors)
      .toEqual([{ code: 'NOT_FOUND', message: 'Lead not found', field: ['input', 'leadId'] }]);
  });
});
