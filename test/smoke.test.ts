import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

test('me answers for the caller', async () => {
  const res = await s.gql('{ me { id name role } }', undefined, { as: s.users.sales });
  expect(res.errors).toBeUndefined();
  expect(res.data.me).toEqual({ id: s.users.sales.id, name: 'sales', role: 'SALESPERSON' });
});
