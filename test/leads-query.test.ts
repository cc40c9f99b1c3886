import { startTestServer, type GqlResponse, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const PAGE = `query($first: Int, $after: String, $filter: LeadFilter, $orderBy: LeadOrder) {
  leads(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id } }
    nodes { id topic lastName companyName rating createdAt updatedAt }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** Inserts leads straight into the table (fast), owned and created by `owner`. */
async function insertLeads(n: number, owner: string, fields: (i: number) => Record<string, unknown> = () => ({})): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = { topic: `Lead ${i}`, last_name: `Last ${i}`, ...fields(i) };
    const cols = Object.keys(f);
    const res = await s.db.query(
      `insert into lead (id, owner_id, created_by_id, created_at, updated_at, ${cols.join(', ')})
       values (gen_random_uuid(), $1, $1, now(), now(), ${cols.map((_, j) => `$${j + 2}`).join(', ')}) returning id`,
      [owner, ...Object.values(f)]);
    ids.push(res.rows[0].id);
  }
  return ids;
}

async function pageAll(variables: Record<string, unknown>, as = s.users.admin) {
  const seen: any[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const res: GqlResponse = await s.gql(PAGE, { ...variables, after }, { as });
    expect(res.errors).toBeUndefined();
    const c: any = res.data.leads;
    expect(c.edges.map((e: any) => e.node.id)).toEqual(c.nodes.map((n: any) => n.id));
    expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
    seen.push(...c.nodes);
    pages += 1;
    if (!c.pageInfo.hasNextPage) break;
    expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1].cursor);
    after = c.pageInfo.endCursor;
    if (pages > 1000) throw new Error('paging does not end');
  }
  return { seen, pages };
}

describe('paging', () => {
  let owner: string;
  let ids: string[];
  beforeAll(async () => {
    owner = (await s.createUser('SALESPERSON' as never, 'pager')).id;
    ids = await insertLeads(250, owner);
    await s.db.query(`update lead set created_at = '2026-01-01T00:00:00Z' where owner_id = $1`, [owner]);
  });

  test('250 leads sharing one createdAt page through first: 7 exactly once, in order', async () => {
    const { seen, pages } = await pageAll({ first: 7, filter: { ownerId: owner } });
    expect(pages).toBe(Math.ceil(250 / 7));
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((l) => l.id)).size).toBe(250);
    expect(new Set(seen.map((l) => l.id))).toEqual(new Set(ids));
    // CREATED_AT DESC, then id DESC as the tiebreaker
    const expected = [...ids].sort().reverse();
    expect(seen.map((l) => l.id)).toEqual(expected);
  });

  test('totalCount counts the whole filter, not the page', async () => {
    const res = await s.gql(PAGE, { first: 3, filter: { ownerId: owner } });
    expect(res.data.leads.totalCount).toBe(250);
    expect(res.data.leads.nodes).toHaveLength(3);
  });

  test('leads added while paging do not shift later pages', async () => {
    const first = await s.gql(PAGE, { first: 50, filter: { ownerId: owner } });
    await insertLeads(5, owner); // newer: they sort before the cursor
    const rest = await pageAll({ first: 50, filter: { ownerId: owner, createdBefore: '2026-06-01T00:00:00Z' }, after: undefined });
    const afterCursor = await s.gql(PAGE, { first: 100, after: first.data.leads.pageInfo.endCursor, filter: { ownerId: owner } });
    expect(afterCursor.data.leads.nodes.map((n: any) => n.id)).toEqual(rest.seen.slice(50, 150).map((n: any) => n.id));
  });

  test.each([['first: 0', 0], ['first: 101', 101], ['first: 1000', 1000], ['first: -1', -1]])(
    '%s is a top-level BAD_USER_INPUT', async (_n, first) => {
      const res = await s.gql(PAGE, { first });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/first/);
      expect(res.status).toBe(400);
      expect(res.data ?? null).toBeNull();
    });

  test('the default page is 25 and 100 is allowed', async () => {
    expect((await s.gql(PAGE, {})).data.leads.nodes).toHaveLength(25);
    expect((await s.gql(PAGE, { first: 100 })).data.leads.nodes).toHaveLength(100);
  });

  test('a malformed cursor, or one from another ordering, is BAD_USER_INPUT', async () => {
    const byTopic = await s.gql(PAGE, { first: 1, orderBy: { field: 'TOPIC', direction: 'ASC' } });
    for (const after of ['garbage', Buffer.from('["x"]').toString('base64url'), byTopic.data.leads.pageInfo.endCursor]) {
      const res = await s.gql(PAGE, { first: 5, after });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('ordering', () => {
  let owner: string;
  beforeAll(async () => {
    owner = (await s.createUser('SALESPERSON' as never, 'orderer')).id;
    const ratings = ['HOT', 'WARM', 'COLD', null];
    await insertLeads(40, owner, (i) => ({
      topic: `${['alpha', 'Beta', 'gamma', 'Delta'][i % 4]} ${i % 3}`,
      last_name: ['Smith', 'adams', 'Zed', 'brown', 'Smith'][i % 5],
      company_name: i % 6 === 0 ? null : ['Contoso', 'fabrikam', 'Northwind'][i % 3],
      rating: ratings[i % 4],
    }));
    await s.db.query(`update lead set created_at = now() - (random() * interval '5 days'), updated_at = now() - (random() * interval '5 days') where owner_id = $1`, [owner]);
    await s.db.query(`update lead set created_at = '2026-02-02T00:00:00Z' where owner_id = $1 and topic like 'alpha%'`, [owner]);
  });

  const rank = (r: string | null) => ({ HOT: 3, WARM: 2, COLD: 1 } as Record<string, number>)[r ?? ''] ?? 0;
  const keyOf: Record<string, (l: any) => string | number> = {
    CREATED_AT: (l) => new Date(l.createdAt).getTime(),
    UPDATED_AT: (l) => new Date(l.updatedAt).getTime(),
    TOPIC: (l) => l.topic.toLowerCase(),
    LAST_NAME: (l) => l.lastName.toLowerCase(),
    COMPANY_NAME: (l) => (l.companyName ?? '').toLowerCase(),
    RATING: (l) => rank(l.rating),
  };

  test.each(Object.keys(keyOf).flatMap((f) => [[f, 'ASC'], [f, 'DESC']]))('%s %s pages every lead once, in order', async (field, direction) => {
    const { seen } = await pageAll({ first: 6, filter: { ownerId: owner }, orderBy: { field, direction } });
    expect(seen).toHaveLength(40);
    expect(new Set(seen.map((l) => l.id)).size).toBe(40);
    const sign = direction === 'ASC' ? 1 : -1;
    for (let i = 1; i < seen.length; i++) {
      const a = keyOf[field](seen[i - 1]);
      const b = keyOf[field](seen[i]);
      // strictly ordered by the key, then by id in the same direction
      const cmp = a < b ? -1 : a > b ? 1 : (seen[i - 1].id < seen[i].id ? -1 : 1);
      expect(cmp * sign).toBe(-1);
    }
  });
});

describe('filters', () => {
  let owner: string;
  let ids: string[];
  beforeAll(async () => {
    owner = (await s.createUser('MANAGER' as never, 'filterer')).id;
    ids = await insertLeads(6, owner, (i) => ([
      { topic: 'Coffee machines', company_name: 'Contoso Coffee', email: 'nancy@contoso.example', source: 'WEB', rating: 'HOT' },
      { topic: 'Fleet pilot', first_name: 'Andrew', last_name: 'Fuller', source: 'TRADE_SHOW', rating: 'WARM' },
      { topic: 'Office fit-out', company_name: 'Northwind', source: 'WEB', rating: 'COLD', state: 'DISQUALIFIED', status_reason: 'LOST' },
      { topic: '50% discount request', source: 'PARTNER', state: 'QUALIFIED', status_reason: 'QUALIFIED' },
      { topic: 'Under_score', last_name: 'Peacock', status_reason: 'CONTACTED' },
      { topic: 'Plain', last_name: 'Smith' },
    ][i]));
    await s.db.query(`update lead set created_at = case when topic like 'C%' then '2026-03-02T00:00:00Z'::timestamptz else '2026-03-01T00:00:00Z'::timestamptz end where owner_id = $1`, [owner]);
  });

  const ids$ = async (filter: Record<string, unknown>, as = s.users.admin) => {
    const res = await s.gql(PAGE, { first: 100, filter: { ownerId: owner, ...filter } }, { as });
    expect(res.errors).toBeUndefined();
    return res.data.leads.nodes.map((n: any) => ids.indexOf(n.id)).sort();
  };

  test('state, statusReason, source and rating filter by any of the listed values', async () => {
    expect(await ids$({ state: ['DISQUALIFIED', 'QUALIFIED'] })).toEqual([2, 3]);
    expect(await ids$({ state: ['OPEN'] })).toEqual([0, 1, 4, 5]);
    expect(await ids$({ statusReason: ['CONTACTED', 'LOST'] })).toEqual([2, 4]);
    expect(await ids$({ source: ['WEB'] })).toEqual([0, 2]);
    expect(await ids$({ rating: ['HOT', 'WARM'] })).toEqual([0, 1]);
    expect(await ids$({ source: ['WEB'], rating: ['COLD'] })).toEqual([2]);
    expect(await ids$({ state: [] })).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('search matches topic, names, company and email case-insensitively; wildcards are literal', async () => {
    expect(await ids$({ search: 'COFFEE' })).toEqual([0]);
    expect(await ids$({ search: 'contoso.example' })).toEqual([0]);
    expect(await ids$({ search: 'andrew' })).toEqual([1]);
    expect(await ids$({ search: 'andrew fuller' })).toEqual([1]);
    expect(await ids$({ search: 'northWIND' })).toEqual([2]);
    expect(await ids$({ search: 'peacock' })).toEqual([4]);
    expect(await ids$({ search: '50%' })).toEqual([3]);
    expect(await ids$({ search: '%' })).toEqual([3]);
    expect(await ids$({ search: '_' })).toEqual([4]);
    expect(await ids$({ search: 'nothing like it' })).toEqual([]);
    const long = await s.gql(PAGE, { filter: { search: 'x'.repeat(101) } });
    expect(long.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('createdAfter is inclusive, createdBefore exclusive', async () => {
    expect(await ids$({ createdAfter: '2026-03-02T00:00:00Z' })).toEqual([0]);
    expect(await ids$({ createdBefore: '2026-03-02T00:00:00Z' })).toEqual([1, 2, 3, 4, 5]);
    expect(await ids$({ createdAfter: '2026-03-01T00:00:00Z', createdBefore: '2026-03-01T00:00:00.001Z' })).toEqual([1, 2, 3, 4, 5]);
  });

  test('ownerId and mine', async () => {
    const mgr = s.users.manager;
    const res = await s.gql(`mutation { createLead(input: { topic: "Mine only", lastName: "M" }) { lead { id } } }`, undefined, { as: mgr });
    const mine = await s.gql(PAGE, { first: 100, filter: { mine: true } }, { as: mgr });
    expect(mine.data.leads.nodes.map((n: any) => n.id)).toEqual([res.data.createLead.lead.id]);
    const unknown = await s.gql(PAGE, { filter: { ownerId: 'not-a-uuid' } });
    expect(unknown.data.leads).toMatchObject({ totalCount: 0, nodes: [] });
  });

  test('a PARTNER lists only the leads it created', async () => {
    const mk = (as: any, topic: string) => s.gql(`mutation($t: String!) { createLead(input: { topic: $t, lastName: "P" }) { lead { id } } }`, { t: topic }, { as });
    const own = (await mk(s.users.partner, 'partner one')).data.createLead.lead.id;
    await mk(s.users.partner2, 'partner two');
    const res = await s.gql(PAGE, { first: 100, filter: { search: 'partner' } }, { as: s.users.partner });
    expect(res.data.leads.nodes.map((n: any) => n.id)).toEqual([own]);
    expect(res.data.leads.totalCount).toBe(1);
    const all = await s.gql(PAGE, { first: 100 }, { as: s.users.partner });
    expect(all.data.leads.nodes.map((n: any) => n.id)).toEqual([own]);
  });
});

describe('lead(id)', () => {
  test('null when missing, malformed, or not visible to a PARTNER', async () => {
    const other = await s.gql(`mutation { createLead(input: { topic: "Staff lead", lastName: "S" }) { lead { id } } }`);
    const id = other.data.createLead.lead.id;
    expect((await s.gql(`{ lead(id: "${id}") { id } }`, undefined, { as: s.users.sales })).data.lead).toEqual({ id });
    expect((await s.gql(`{ lead(id: "${id}") { id } }`, undefined, { as: s.users.partner })).data.lead).toBeNull();
    expect((await s.gql(`{ lead(id: "00000000-0000-4000-8000-000000000000") { id } }`)).data.lead).toBeNull();
    expect((await s.gql(`{ lead(id: "nope") { id } }`)).data.lead).toBeNull();
  });
});
