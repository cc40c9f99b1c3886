import { dataStatements, startTestServer, type GqlResponse, type TestServer } from './support/server';
import { addNote, createLead, logActivity } from './support/timeline';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const TIMELINE = `query($id: ID!, $first: Int, $after: String, $kinds: [TimelineKind!]) {
  lead(id: $id) { timeline(first: $first, after: $after, kinds: $kinds) {
    totalCount
    edges { cursor node { __typename ... on Note { id } ... on Activity { id } } }
    nodes { __typename ... on Note { id text createdAt } ... on Activity { id kind createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }
}`;

const ACTIVITY_KINDS = ['PHONE_CALL', 'EMAIL', 'TASK', 'APPOINTMENT'];

/**
 * Inserts `notes` notes and `activities` activities on a lead, ten to a timestamp, so that
 * ties are the rule rather than the exception. Returns their ids in the timeline's order.
 */
async function seed(leadId: string, notes: number, activities: number): Promise<string[]> {
  const author = s.users.sales.id;
  await s.db.query(`insert into note (id, lead_id, text, author_id, created_at)
    select gen_random_uuid(), $1, 'note ' || i, $2, timestamptz '2026-01-01T00:00:00Z' + (i / 10) * interval '1 second'
    from generate_series(0, $3::int - 1) i`, [leadId, author, notes]);
  await s.db.query(`insert into activity (id, lead_id, kind, subject, owner_id, created_at)
    select gen_random_uuid(), $1, ($4::text[])[1 + i % 4], 'activity ' || i, $2, timestamptz '2026-01-01T00:00:00Z' + (i / 10) * interval '1 second'
    from generate_series(0, $3::int - 1) i`, [leadId, author, activities, ACTIVITY_KINDS]);
  return expectedOrder(leadId);
}

async function expectedOrder(leadId: string, kinds: string[] = ['NOTE', ...ACTIVITY_KINDS]): Promise<string[]> {
  const res = await s.db.query(`select id from (
      select id, created_at, 'NOTE' as kind from note where lead_id = $1
      union all select id, created_at, kind from activity where lead_id = $1) t
    where kind = any($2) order by created_at desc, id desc`, [leadId, kinds]);
  return res.rows.map((r) => r.id);
}

async function pageAll(leadId: string, first: number, kinds?: string[], between?: () => Promise<void>) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    const res: GqlResponse = await s.gql(TIMELINE, { id: leadId, first, after, kinds });
    expect(res.errors).toBeUndefined();
    const c: any = res.data.lead.timeline;
    expect(c.nodes.length).toBeLessThanOrEqual(first);
    expect(c.edges.map((e: any) => e.node.id)).toEqual(c.nodes.map((n: any) => n.id));
    expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
    seen.push(...c.nodes.map((n: any) => n.id));
    if (!c.pageInfo.hasNextPage) break;
    expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1].cursor);
    after = c.pageInfo.endCursor;
    if (between) await between();
    if (pages > 200) throw new Error('paging does not end');
  }
  return seen;
}

describe('paging', () => {
  let leadId: string;
  let order: string[];
  beforeAll(async () => {
    leadId = await createLead(s, s.users.sales, 'Busy lead');
    order = await seed(leadId, 60, 60);
  });

  test('120 mixed items page through first: 7 exactly once, in order, while new items are added between pages', async () => {
    const added: string[] = [];
    let turn = 0;
    const seen = await pageAll(leadId, 7, undefined, async () => {
      turn += 1;
      if (turn % 2) added.push((await addNote(s, s.users.sales, { leadId, text: `added ${turn}` })).note.id);
      else added.push((await logActivity(s, s.users.sales, { leadId, kind: 'EMAIL', subject: `added ${turn}` })).activity.id);
    });
    expect(order).toHaveLength(120);
    expect(added.length).toBe(Math.ceil(120 / 7) - 1);
    expect(seen).toEqual(order);

    const first = (await s.gql(TIMELINE, { id: leadId, first: 100 })).data.lead.timeline;
    expect(first.totalCount).toBe(120 + added.length);
    expect(first.nodes.slice(0, added.length).map((n: any) => n.id)).toEqual([...added].reverse());
    expect(new Set(first.nodes.map((n: any) => n.__typename))).toEqual(new Set(['Note', 'Activity']));
  });

  test('kinds filters; an empty list does not', async () => {
    const notes = await pageAll(leadId, 7, ['NOTE']);
    expect(notes).toEqual(await expectedOrder(leadId, ['NOTE']));
    const calls = await pageAll(leadId, 9, ['PHONE_CALL', 'TASK']);
    expect(calls).toEqual(await expectedOrder(leadId, ['PHONE_CALL', 'TASK']));
    expect(calls).toHaveLength(30);

    const count = async (kinds?: string[]) => (await s.gql(TIMELINE, { id: leadId, first: 1, kinds })).data.lead.timeline.totalCount;
    const all = (await expectedOrder(leadId)).length;
    expect(await count([])).toBe(all);
    expect(await count()).toBe(all);
    expect(await count(['NOTE'])).toBe(notes.length);
    expect(await count(['APPOINTMENT'])).toBe(15);
    const res = await s.gql(TIMELINE, { id: leadId, first: 50, kinds: ['APPOINTMENT'] });
    expect(new Set(res.data.lead.timeline.nodes.map((n: any) => n.kind))).toEqual(new Set(['APPOINTMENT']));
  });

  test('first outside 1..100, a kind outside the enum and foreign cursors are top-level errors', async () => {
    for (const first of [0, 101, -1]) {
      const res = await s.gql(TIMELINE, { id: leadId, first });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const other = await createLead(s, s.users.sales, 'Other lead');
    await addNote(s, s.users.sales, { leadId: other, text: 'one' });
    await addNote(s, s.users.sales, { leadId: other, text: 'two' });
    const otherCursor = (await s.gql(TIMELINE, { id: other, first: 1 })).data.lead.timeline.pageInfo.endCursor;
    const leadsCursor = (await s.gql('{ leads(first: 1) { pageInfo { endCursor } } }')).data.leads.pageInfo.endCursor;
    const forged = Buffer.from(JSON.stringify([`timeline:${leadId}`, 'yesterday', 'x'])).toString('base64url');
    for (const after of [otherCursor, leadsCursor, forged, 'garbage']) {
      const res = await s.gql(TIMELINE, { id: leadId, first: 5, after });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const badKind = await s.gql(`{ lead(id: "${leadId}") { timeline(kinds: [FAX]) { totalCount } } }`);
    expect(badKind.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('SQL', () => {
  const ITEMS = `nodes { ... on Note { id text author { name } attachment { fileName sizeBytes sha256 } } ... on Activity { id subject owner { name } } }`;

  /** `n` leads of a fresh owner, each with two notes (one with a file) and two activities. */
  async function leadsWithTimelines(n: number): Promise<string> {
    const owner = await s.createUser('SALESPERSON' as never);
    await s.db.query(`insert into lead (id, topic, last_name, owner_id, created_by_id, created_at, updated_at)
      select gen_random_uuid(), 'Lead ' || i, 'Doe', $1, $1, now(), now() from generate_series(1, $2::int) i`, [owner.id, n]);
    await s.db.query(`insert into note (id, lead_id, text, author_id, created_at)
      select gen_random_uuid(), l.id, 'note ' || k, $1, now() - k * interval '1 minute' from lead l, generate_series(1, 2) k where l.owner_id = $1`, [owner.id]);
    await s.db.query(`insert into attachment (id, note_id, lead_id, file_name, mime_type, size_bytes, sha256, content, created_at)
      select gen_random_uuid(), n.id, n.lead_id, 'f.txt', 'text/plain', 3, repeat('0', 64), 'abc'::bytea, now()
      from note n join lead l on l.id = n.lead_id where l.owner_id = $1 and n.text = 'note 1'`, [owner.id]);
    await s.db.query(`insert into activity (id, lead_id, kind, subject, owner_id, created_at)
      select gen_random_uuid(), l.id, 'TASK', 'task ' || k, $1, now() - k * interval '90 seconds' from lead l, generate_series(1, 2) k where l.owner_id = $1`, [owner.id]);
    return owner.id;
  }

  async function statementsFor(ownerId: string, expectedLeads: number): Promise<string[]> {
    s.resetSql();
    const res = await s.gql(`query($owner: ID!) { leads(first: 100, filter: { ownerId: $owner }) { nodes { id
      timeline(first: 3) { totalCount ${ITEMS} } } } }`, { owner: ownerId });
    expect(res.errors).toBeUndefined();
    expect(res.data.leads.nodes).toHaveLength(expectedLeads);
    for (const lead of res.data.leads.nodes) {
      expect(lead.timeline.totalCount).toBe(4);
      expect(lead.timeline.nodes).toHaveLength(3);
    }
    return dataStatements(s.sql);
  }

  test('the timelines of 100 leads cost the same statements as those of 10', async () => {
    const ten = await statementsFor(await leadsWithTimelines(10), 10);
    const hundred = await statementsFor(await leadsWithTimelines(100), 100);
    expect(hundred.length).toBe(ten.length);
    expect(hundred.length).toBeLessThanOrEqual(9);
  });

  test('100 leads × 100 timeline items is refused before any data is read', async () => {
    s.resetSql();
    const res = await s.gql(`{ leads(first: 100) { nodes { timeline(first: 100) { nodes { ... on Note { id text } ... on Activity { id subject } } } } } }`);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(dataStatements(s.sql).filter((q) => /\b(lead|note|activity)\b/.test(q))).toEqual([]);
  });

  test('listing reads no file bodies; contentBase64 reads them in one statement', async () => {
    const leadId = await createLead(s, s.users.sales, 'Files');
    for (let i = 0; i < 3; i++) {
      await addNote(s, s.users.sales, { leadId, text: `file ${i}`, attachment: { fileName: `${i}.txt`, mimeType: 'text/plain', contentBase64: Buffer.from(`body ${i}`).toString('base64') } });
    }
    s.resetSql();
    const listed = await s.gql(`query($id: ID!) { lead(id: $id) { timeline { ${ITEMS} } } }`, { id: leadId });
    expect(listed.errors).toBeUndefined();
    expect(listed.data.lead.timeline.nodes.map((n: any) => n.attachment.sizeBytes)).toEqual([6, 6, 6]);
    expect(dataStatements(s.sql).filter((q) => /content/i.test(q))).toEqual([]);

    s.resetSql();
    const withBodies = await s.gql(`query($id: ID!) { lead(id: $id) { timeline { nodes { ... on Note { attachment { contentBase64 } } } } } }`, { id: leadId });
    expect(withBodies.data.lead.timeline.nodes.map((n: any) => Buffer.from(n.attachment.contentBase64, 'base64').toString()))
      .toEqual(['body 2', 'body 1', 'body 0']);
    expect(dataStatements(s.sql).filter((q) => /content/i.test(q))).toHaveLength(1);
  });
});
