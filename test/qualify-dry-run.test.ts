import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const QUALIFY = `mutation($input: QualifyLeadsInput!) { qualifyLeads(input: $input) {
  dryRun qualifiedCount failedCount userErrors { code }
  results { leadId userErrors { code } opportunity { id } lead { state } } } }`;

async function newLead(topic: string): Promise<string> {
  const res = await s.gql('mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }', { input: { topic, lastName: 'Dry', companyName: `${topic} Ltd` } });
  return res.data.createLead.lead.id;
}

const qualify = async (input: Record<string, unknown>) => {
  const res = await s.gql(QUALIFY, { input: { currencyCode: 'USD', ...input } });
  expect(res.errors).toBeUndefined();
  return res.data.qualifyLeads;
};

test('the payload says whether the call was a dry run, and a dry run writes nothing', async () => {
  const id = await newLead('Dry run');
  const dry = await qualify({ leadIds: [id], dryRun: true });
  expect(dry).toMatchObject({ dryRun: true, qualifiedCount: 1, failedCount: 0, userErrors: [] });
  expect(dry.results[0]).toMatchObject({ leadId: id, userErrors: [], opportunity: null, lead: { state: 'OPEN' } });
  expect((await s.db.query('select state from lead where id = $1', [id])).rows[0].state).toBe('OPEN');

  // Refused as a whole, it still says which kind of call it was.
  expect(await qualify({ leadIds: [id], dryRun: true, currencyCode: 'XYZ' })).toMatchObject({ dryRun: true, qualifiedCount: 0, userErrors: [{ code: 'UNKNOWN_CURRENCY' }] });

  // Absent and null mean a real run.
  const real = await qualify({ leadIds: [id], dryRun: null });
  expect(real).toMatchObject({ dryRun: false, qualifiedCount: 1 });
  expect(real.results[0].opportunity).not.toBeNull();
  const other = await newLead('Not dry');
  expect(await qualify({ leadIds: [other] })).toMatchObject({ dryRun: false, qualifiedCount: 1 });
});
