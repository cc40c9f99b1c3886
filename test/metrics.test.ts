import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const scrape = (key?: string) => fetch(s.url.replace(/\/graphql$/, '/metrics'), { headers: key ? { authorization: `Bearer ${key}` } : {} });

test('an ADMIN key scrapes Prometheus metrics of operations, userErrors, HTTP and the process', async () => {
  await s.gql('{ me { id } }', undefined, { as: s.users.sales });
  await s.gql('mutation { createLead(input: { topic: "", lastName: "M" }) { userErrors { code } } }', undefined, { as: s.users.sales });
  await s.gql('{ leads(first: 1000) { totalCount } }', undefined, { as: s.users.sales });
  const res = await scrape(s.users.admin.key);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  const text = await res.text();
  expect(text).toMatch(/leads_graphql_operations_total\{type="query",field="me",outcome="OK"\} [1-9]/);
  expect(text).toMatch(/leads_graphql_operations_total\{type="query",field="leads",outcome="BAD_USER_INPUT"\} 1/);
  expect(text).toMatch(/leads_graphql_user_errors_total\{field="createLead",code="VALIDATION"\} 1/);
  expect(text).toMatch(/leads_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} [1-9]/);
  expect(text).toMatch(/leads_process_resident_memory_bytes/);
});

test('other roles get 403, no key 401', async () => {
  expect((await scrape(s.users.manager.key)).status).toBe(403);
  expect((await scrape()).status).toBe(401);
});
