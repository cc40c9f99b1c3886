import { dataStatements, startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const LIST = `query($owner: ID!) { leads(first: 100, filter: { ownerId: $owner }) { nodes { id
  history(first: 3) { totalCount pageInfo { hasNextPage endCursor } nodes { id action actor { id } changes { field newValue } } } } } }`;
const ONE = `query($id: ID!, $after: String) { lead(id: $id) { history(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id action actor { id } changes { field newValue } } } } }`;

/** `n` leads owned by a new user, each with `i % 5` updates after its creation. */
async function leadsWithHistory(n: number): Promise<string> {
  const owner = await s.createUser('MANAGER' as never);
  for (let i = 0; i < n; i++) {
    const res = await s.gql('mutation($t: String!) { createLead(input: { topic: $t, lastName: "H" }) { lead { id } } }', { t: `H${i}` }, { as: owner });
    const id = res.data.createLead.lead.id;
    for (let k = 0; k < i % 5; k++) {
      await s.gql('mutation($id: ID!, $d: String!) { updateLead(input: { id: $id, description: $d }) { userErrors { code } } }', { id, d: `edit ${k}` }, { as: owner });
    }
  }
  return owner.id;
}

async function statementsFor(owner: string) {
  s.resetSql();
  const res = await s.gql(LIST, { owner });
  expect(res.errors).toBeUndefined();
  return { count: dataStatements(s.sql).filter((q) => !/api_key/.test(q)).length, nodes: res.data.leads.nodes };
}

test('a page of leads with their histories costs the same statements for 5 leads as for 40', async () => {
  const few = await statementsFor(await leadsWithHistory(5));
  const many = await statementsFor(await leadsWithHistory(40));
  expect(many.nodes).toHaveLength(40);
  expect(many.count).toBe(few.count);
  expect(many.count).toBeLessThanOrEqual(6);
});

test('each batched history equals the lead asked for alone, and its cursor pages on', async () => {
  const owner = await leadsWithHistory(6);
  const { nodes } = await statementsFor(owner);
  for (const lead of nodes) {
    const alone = await s.gql(ONE, { id: lead.id });
    expect(lead.history).toEqual(alone.data.lead.history);
    expect(lead.history.totalCount).toBe(1 + (Number(/\d+/.exec((await s.db.query('select topic from lead where id = $1', [lead.id])).rows[0].topic)![0]) % 5));
    if (lead.history.pageInfo.hasNextPage) {
      const next = await s.gql(ONE, { id: lead.id, after: lead.history.pageInfo.endCursor });
      const ids = [...lead.history.nodes, ...next.data.lead.history.nodes].map((e: any) => e.id);
      expect(new Set(ids).size).toBe(lead.history.totalCount);
      expect(next.data.lead.history.nodes.at(-1).action).toBe('CREATED');
    }
  }
});

test("one lead's history cursor is refused by another lead", async () => {
  const owner = await leadsWithHistory(5);
  const { nodes } = await statementsFor(owner);
  const withMore = nodes.find((l: any) => l.history.pageInfo.hasNextPage);
  const other = nodes.find((l: any) => l.id !== withMore.id);
  const res = await s.gql(ONE, { id: other.id, after: withMore.history.pageInfo.endCursor });
  expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});
