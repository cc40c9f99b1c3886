// @ts-check
// The lead journey against a running service:
//   LEADS_URL=http://localhost:4000/graphql LEADS_API_KEY=… node client-sdk/examples/lead-journey.mjs
// Creates a lead, adds a stakeholder, notes the call, qualifies the lead, reads the opportunity,
// and shows that a second qualify is a typed userError rather than an exception.
import { randomUUID } from 'node:crypto';
import { assertOk, createLeadsClient, isOk, LeadsApiError, LeadsUserError } from '@leads/client';

const url = process.env.LEADS_URL ?? 'http://localhost:4000/graphql';
const apiKey = process.env.LEADS_API_KEY;
if (!apiKey) {
  console.error('Set LEADS_API_KEY (and LEADS_URL unless the service is at http://localhost:4000/graphql).');
  process.exit(2);
}
const client = createLeadsClient({ url, apiKey });

try {
  const me = await client.me();
  const suffix = randomUUID().slice(0, 8);

  // With an idempotency key the client may retry the mutation without creating two leads.
  const created = await client.createLead({
    input: {
      topic: `40 trucks for the Northern depot (${suffix})`, firstName: 'Ada', lastName: 'Ng', jobTitle: 'Fleet manager',
      companyName: `Ng Freight ${suffix}`, email: `ada.${suffix}@ngfreight.example`, rating: 'HOT',
      budget: { amount: '125000.00', currencyCode: 'USD' },
    },
  }, { idempotencyKey: randomUUID() });
  assertOk(created); // throws a LeadsUserError when there are userErrors; afterwards created.lead is a Lead
  const { lead } = created;
  console.log(`lead        ${lead.id}  ${lead.topic}  (${lead.state}/${lead.statusReason}, owner ${me.name})`);

  const added = await client.addStakeholder({
    input: { leadId: lead.id, newContact: { firstName: 'Lin', lastName: 'Ng', email: `lin.${suffix}@ngfreight.example` }, role: 'DECISION_MAKER' },
  });
  assertOk(added);
  console.log(`stakeholder ${added.stakeholder.contact.fullName} as ${added.stakeholder.role}`);

  const noted = await client.addNote({ input: { leadId: lead.id, text: 'Intro call: wants a quote by Friday.' } });
  assertOk(noted);
  console.log(`note        ${noted.note.text}`);

  const qualified = await client.qualifyLeads({ input: { leadIds: [lead.id], currencyCode: 'USD' } });
  const [result] = qualified.results;
  if (!isOk(result)) throw new Error(`not qualified: ${result?.userErrors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
  console.log(`qualified   account ${result.account?.name} (created: ${result.accountCreated}), contact ${result.contact?.fullName} (created: ${result.contactCreated})`);

  // A qualified result has its opportunity (isOk says so for a call that is no dry run).
  const opportunity = await client.opportunity({ id: result.opportunity.id });
  if (!opportunity) throw new Error('the opportunity is not visible');
  console.log(`opportunity ${opportunity.id}  ${opportunity.name}  ${opportunity.state}  ${opportunity.estimatedValue?.amount} ${opportunity.currencyCode}`);
  console.log(`            stakeholders: ${opportunity.stakeholders.map((s) => `${s.contact.fullName} (${s.role})`).join(', ')}`);

  const again = await client.qualifyLeads({ input: { leadIds: [lead.id], currencyCode: 'USD' } });
  console.log(`again       ${again.results[0]?.userErrors.map((e) => e.code).join(', ')}`);
} catch (e) {
  if (e instanceof LeadsApiError) {
    console.error(`${e.code}: ${e.message} (request id ${e.requestId ?? 'unknown'})`);
    process.exit(1);
  }
  if (e instanceof LeadsUserError) {
    console.error(`refused: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
