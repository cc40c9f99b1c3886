// Compile-time tests: `tsc -p client-sdk/test-d` must succeed. Each `@ts-expect-error` line
// must still be an error, or tsc fails with "Unused '@ts-expect-error' directive".
import { expectTypeOf } from 'expect-type';
import {
  assertOk, createLeadsClient, isOk, LeadsApiError, LeadsDocument, LeadsUserError, QualifyLeadsDocument, paginate,
  type DuplicateRule, type LeadsClientResult, type QualifyLeadsInput, type ResultOf, type UserErrorCode, type VariablesOf,
} from '../src/index.js';

declare const client: ReturnType<typeof createLeadsClient>;

export async function methods() {
  // A method resolves to its payload, not to the whole `data`.
  const created = await client.createLead({ input: { topic: 'T', lastName: 'L' } });
  expectTypeOf(created.userErrors[0]!.code).toEqualTypeOf<UserErrorCode>();
  expectTypeOf(created.lead).toMatchTypeOf<{ id: string; version: number } | null>();
  expectTypeOf<LeadsClientResult<'createLead'>>().toEqualTypeOf(created);

  // Scalars are strict: money and instants are strings, enums are unions of their values.
  const lead = await client.lead({ id: 'x' });
  expectTypeOf(lead).toBeNullable();
  expectTypeOf(lead!.budget!.amount).toEqualTypeOf<string>();
  expectTypeOf(lead!.createdAt).toEqualTypeOf<string>();
  expectTypeOf(lead!.state).toEqualTypeOf<'OPEN' | 'QUALIFIED' | 'DISQUALIFIED'>();

  expectTypeOf(lead!.stakeholders[0]!.role).toEqualTypeOf<
    'STAKEHOLDER' | 'CHAMPION' | 'DECISION_MAKER' | 'END_USER' | 'ECONOMIC_BUYER' | 'INFLUENCER' | 'TECHNICAL_BUYER'
  >();
  // @ts-expect-error -- a field the operation does not select does not exist on the result
  lead!.timeline;
  // @ts-expect-error -- nor does a field of a nested selection that was left out
  lead!.owner.createdAt;

  // @ts-expect-error -- the input is required
  await client.createLead({});
  // @ts-expect-error -- and so are the variables themselves
  await client.createLead();
  // @ts-expect-error -- a required input field is missing (lastName)
  await client.createLead({ input: { topic: 'T' } });
  // @ts-expect-error -- a variable of the wrong type
  await client.lead({ id: 42 });
  // @ts-expect-error -- an unknown variable
  await client.lead({ id: 'x', include: true });
  // @ts-expect-error -- a value that is not in the enum
  await client.createLead({ input: { topic: 'T', lastName: 'L', rating: 'LUKEWARM' } });
  // @ts-expect-error -- money amounts are decimal strings, never numbers
  await client.createLead({ input: { topic: 'T', lastName: 'L', budget: { amount: 12500, currencyCode: 'USD' } } });
  // @ts-expect-error -- an invalid enum value in a filter
  await client.leads({ filter: { state: ['WON'] } });

  // Queries without required variables may be called bare.
  expectTypeOf(await client.me()).toEqualTypeOf<{ id: string; name: string; email: string; role: 'ADMIN' | 'MANAGER' | 'PARTNER' | 'SALESPERSON' }>();
}

export async function pagination() {
  for await (const lead of client.paginateLeads({ filter: { state: ['OPEN'] }, orderBy: { field: 'CREATED_AT', direction: 'DESC' }, pageSize: 10 })) {
    expectTypeOf(lead.id).toEqualTypeOf<string>();
    // @ts-expect-error -- paging arguments are the helper's, not the caller's
    client.paginateLeads({ after: lead.id });
  }
  for await (const item of client.paginateLeadTimeline({ leadId: 'x' })) {
    if (item.__typename === 'Note') expectTypeOf(item.text).toEqualTypeOf<string>();
    // @ts-expect-error -- only a Note has text: the union must be narrowed first
    item.text;
  }
  // @ts-expect-error -- a timeline needs its lead
  client.paginateLeadTimeline({});

  const numbers = paginate(async (after: string | null) => ({ nodes: [1, 2], pageInfo: { hasNextPage: after === null, endCursor: 'c' } }));
  expectTypeOf(numbers).toEqualTypeOf<AsyncGenerator<number, void, undefined>>();
}

export async function lifecycle() {
  const qualified = await client.qualifyLeads({ input: { leadIds: ['a'], currencyCode: 'USD', duplicateHandling: 'FAIL' } });
  expectTypeOf(qualified.results[0]!.userErrors[0]!.code).toEqualTypeOf<UserErrorCode>();
  expectTypeOf(qualified.results[0]!.opportunity!.estimatedValue!.amount).toEqualTypeOf<string>();
  // @ts-expect-error -- not a DuplicateHandling
  await client.qualifyLeads({ input: { leadIds: ['a'], currencyCode: 'USD', duplicateHandling: 'MERGE' } });
  // @ts-expect-error -- the currency is required
  await client.qualifyLeads({ input: { leadIds: ['a'] } });
  // @ts-expect-error -- not a DisqualifyReason (WON is an opportunity state)
  await client.disqualifyLead({ input: { id: 'a', reason: 'WON' } });
  // @ts-expect-error -- not a StakeholderRole
  await client.addStakeholder({ input: { leadId: 'a', contactId: 'c', role: 'SPONSOR' } });
  for await (const entry of client.paginateLeadHistory({ leadId: 'a' })) {
    expectTypeOf(entry.changes[0]!.oldValue).toEqualTypeOf<string | null>();
  }
}

export async function duplicates() {
  const created = await client.createLead({ input: { topic: 'T', lastName: 'L', duplicateCheck: 'FAIL' } });
  expectTypeOf(created.duplicates[0]!.rule).toEqualTypeOf<DuplicateRule>();
  expectTypeOf(created.duplicates[0]!.score).toEqualTypeOf<number>();
  // @ts-expect-error -- not a DuplicateCheck
  await client.createLead({ input: { topic: 'T', lastName: 'L', duplicateCheck: 'IGNORE' } });
  const found = await client.findDuplicateLeads({ input: { topic: 'T', lastName: 'L' } });
  expectTypeOf(found[0]!.lead.id).toEqualTypeOf<string>();
  // @ts-expect-error -- a lead's duplicates need its id
  await client.leadDuplicates({});
}

export async function importing() {
  const imported = await client.importLeads({ input: { rows: [{ topic: 'T', lastName: 'L', email: 'a@b.example' }], onMatch: 'UPDATE', matchOn: 'EMAIL', dryRun: true } });
  expectTypeOf(imported.results[0]!.action).toEqualTypeOf<'CREATED' | 'UPDATED' | 'SKIPPED' | 'FAILED'>();
  expectTypeOf(imported.results[0]!.lead).toEqualTypeOf<{ id: string; topic: string; fullName: string; email: string | null; version: number } | null>();
  expectTypeOf(imported.createdCount).toEqualTypeOf<number>();
  // @ts-expect-error -- not an ImportOnMatch
  await client.importLeads({ input: { rows: [], onMatch: 'MERGE' } });
  // @ts-expect-error -- a row needs its lastName, as createLead's input does
  await client.importLeads({ input: { rows: [{ topic: 'T' }] } });
}

export function typedDocuments() {
  // What Apollo Client / urql infer from the exported documents.
  expectTypeOf<ResultOf<typeof LeadsDocument>['leads']['totalCount']>().toEqualTypeOf<number>();
  expectTypeOf<VariablesOf<typeof QualifyLeadsDocument>['input']['leadIds']>().toEqualTypeOf<string[]>();
}

export function errors(e: unknown) {
  if (e instanceof LeadsApiError) {
    expectTypeOf(e.requestId).toEqualTypeOf<string | undefined>();
    expectTypeOf(e.code).toMatchTypeOf<string>();
    // @ts-expect-error -- the error is read-only
    e.code = 'FORBIDDEN';
  }
}

export function options() {
  createLeadsClient({ url: 'u', apiKey: 'k', timeoutMs: 1000, retry: { retries: 3 }, headers: { 'x-a': 'b' } });
  // @ts-expect-error -- the key is required
  createLeadsClient({ url: 'u' });
  client.createLead({ input: { topic: 'T', lastName: 'L' } }, { idempotencyKey: 'k', signal: AbortSignal.timeout(10) });
  // @ts-expect-error -- an idempotency key is a string
  client.createLead({ input: { topic: 'T', lastName: 'L' } }, { idempotencyKey: 1 });
}

export async function narrowing() {
  // Before the check a mutation's record may be null; once its userErrors are known to be empty
  // (isOk), it is not: no `!` needed.
  const created = await client.createLead({ input: { topic: 'T', lastName: 'L' } });
  expectTypeOf(created.lead).toBeNullable();
  if (!isOk(created)) {
    expectTypeOf(created.userErrors[0].code).toEqualTypeOf<UserErrorCode>(); // at least one error
    return;
  }
  expectTypeOf(created.lead.id).toEqualTypeOf<string>();
  expectTypeOf(created.userErrors).toEqualTypeOf<[]>();

  const updated = await client.updateLead({ input: { id: created.lead.id, expectedVersion: created.lead.version, rating: 'WARM' } });
  if (isOk(updated)) expectTypeOf(updated.lead.version).toEqualTypeOf<number>();
  // @ts-expect-error -- without the check the lead may be null
  updated.lead.version;

  const stakeholder = await client.addStakeholder({ input: { leadId: 'l', contactId: 'c' } });
  assertOk(stakeholder); // throws a LeadsUserError otherwise
  expectTypeOf(stakeholder.stakeholder.role).toEqualTypeOf<'STAKEHOLDER' | 'CHAMPION' | 'DECISION_MAKER' | 'END_USER' | 'ECONOMIC_BUYER' | 'INFLUENCER' | 'TECHNICAL_BUYER'>();
  expectTypeOf(stakeholder.lead.id).toEqualTypeOf<string>();

  for (const [payload, record] of [
    [await client.deleteLead({ input: { id: 'x' } }), 'deletedLeadId'],
    [await client.removeStakeholder({ input: { stakeholderId: 'x' } }), 'removedStakeholderId'],
  ] as const) {
    if (isOk(payload)) expectTypeOf(payload[record as never]).not.toBeNullable();
  }
  const note = await client.addNote({ input: { leadId: 'l', text: 'n' } });
  if (isOk(note)) expectTypeOf(note.note.id).toEqualTypeOf<string>();
  const activity = await client.logActivity({ input: { leadId: 'l', kind: 'TASK', subject: 's' } });
  if (isOk(activity)) expectTypeOf(activity.activity.status).toEqualTypeOf<'OPEN' | 'COMPLETED' | 'CANCELED'>();
  const contact = await client.createContact({ input: { lastName: 'L' } });
  if (isOk(contact)) expectTypeOf(contact.contact.lastName).toEqualTypeOf<string>();
  const disqualified = await client.disqualifyLead({ input: { id: 'x' } });
  if (isOk(disqualified)) expectTypeOf(disqualified.lead.state).toEqualTypeOf<'OPEN' | 'QUALIFIED' | 'DISQUALIFIED'>();
  const merged = await client.mergeLeads({ input: { targetId: 't', sourceIds: ['s'], fieldWinners: [{ field: 'email', fromLeadId: 's' }] } });
  expectTypeOf(merged.mergedLeadIds).toEqualTypeOf<string[]>();
  expectTypeOf(merged.movedNotes).toEqualTypeOf<number>();
  expectTypeOf(merged.lead).toBeNullable();
  if (isOk(merged)) expectTypeOf(merged.lead.version).toEqualTypeOf<number>();
  // @ts-expect-error -- a field winner names the lead it takes the value from
  await client.mergeLeads({ input: { targetId: 't', sourceIds: ['s'], fieldWinners: [{ field: 'email' }] } });

  expectTypeOf(new LeadsUserError([{ code: 'NOT_FOUND', message: 'm', field: null }]).code).toEqualTypeOf<UserErrorCode>();
}

export async function qualifyNarrowing(input: QualifyLeadsInput) {
  // The README's journey: a qualified lead has its opportunity.
  const qualified = await client.qualifyLeads({ input: { leadIds: ['a'], currencyCode: 'USD' } });
  const [result] = qualified.results;
  if (!result || !isOk(result)) return;
  expectTypeOf(result.opportunity.id).toEqualTypeOf<string>();
  expectTypeOf(result.lead.state).toEqualTypeOf<'OPEN' | 'QUALIFIED' | 'DISQUALIFIED'>();
  expectTypeOf(result.account).toBeNullable(); // a lead without a company makes no account

  // A dry run creates nothing: the opportunity may be null even when the result has no errors.
  const dry = await client.qualifyLeads({ input: { leadIds: ['a'], currencyCode: 'USD', dryRun: true } });
  expectTypeOf(dry.dryRun).toEqualTypeOf<boolean>(); // the payload says whether it was a dry run
  const [predicted] = dry.results;
  if (predicted && isOk(predicted)) {
    expectTypeOf(predicted.opportunity).toBeNullable();
    expectTypeOf(predicted.lead.id).toEqualTypeOf<string>();
  }
  // ...and so may it with createOpportunity: false, or whenever the input is not known to be neither.
  const noOpportunity = await client.qualifyLeads({ input: { leadIds: ['a'], currencyCode: 'USD', createOpportunity: false } });
  if (noOpportunity.results[0] && isOk(noOpportunity.results[0])) expectTypeOf(noOpportunity.results[0].opportunity).toBeNullable();
  const unknown = await client.qualifyLeads({ input });
  if (unknown.results[0] && isOk(unknown.results[0])) expectTypeOf(unknown.results[0].opportunity).toBeNullable();
}

export function pageSizes() {
  // Any whole number: sizes over the service's 100 are fetched 100 at a time.
  client.paginateLeads({ pageSize: 500 });
  // @ts-expect-error -- a page size is a number
  client.paginateLeads({ pageSize: '500' });
}

export async function workingALead() {
  const status = await client.setLeadStatus({ input: { id: 'a', statusReason: 'CONTACTED', expectedVersion: 3 } });
  if (isOk(status)) expectTypeOf(status.lead.statusReason).toEqualTypeOf<'NEW' | 'CONTACTED' | 'QUALIFIED' | 'LOST' | 'CANNOT_CONTACT' | 'NO_LONGER_INTERESTED' | 'CANCELED'>();
  // @ts-expect-error -- not a LeadStatusReason
  await client.setLeadStatus({ input: { id: 'a', statusReason: 'WORKING' } });
  const updated = await client.updateNote({ input: { noteId: 'n', text: 'Edited' } });
  if (isOk(updated)) expectTypeOf(updated.note.text).toEqualTypeOf<string>();
  const deleted = await client.deleteNote({ input: { noteId: 'n' } });
  if (isOk(deleted)) expectTypeOf(deleted.deletedNoteId).toEqualTypeOf<string>();
  expectTypeOf(deleted.userErrors[0]!.code).toEqualTypeOf<UserErrorCode>();
  const canceled = await client.cancelActivity({ input: { activityId: 'x' } });
  if (isOk(canceled)) expectTypeOf(canceled.activity.status).toEqualTypeOf<'OPEN' | 'COMPLETED' | 'CANCELED'>();
  // @ts-expect-error -- an activity is named by activityId
  await client.cancelActivity({ input: { id: 'x' } });

  const lead = await client.lead({ id: 'a' });
  expectTypeOf(lead!.nextFollowUpAt).toEqualTypeOf<string | null>();
  expectTypeOf(lead!.qualifyChecklist.missing).toEqualTypeOf<string[]>();
  await client.leads({ filter: { followUpDue: true, untouchedSince: '2026-01-01T00:00:00Z', industry: ['CONSULTING'] }, orderBy: { field: 'NEXT_FOLLOW_UP_AT', direction: 'ASC' } });
  // @ts-expect-error -- not a LeadOrderField
  await client.leads({ orderBy: { field: 'DUE_AT', direction: 'ASC' } });

  const qualified = await client.qualifyLeads({ input: {
    leadIds: ['a'], currencyCode: 'USD', requireCompleteChecklist: true,
    overrides: [{ leadId: 'a', accountId: 'acc', opportunityName: 'Deal', opportunityOwnerId: 'u' }],
  } });
  expectTypeOf(qualified.results[0]!.opportunity!.salesStage).toEqualTypeOf<'QUALIFY' | 'DEVELOP' | 'PROPOSE' | 'CLOSE'>();
  // @ts-expect-error -- an override names its lead
  await client.qualifyLeads({ input: { leadIds: ['a'], currencyCode: 'USD', overrides: [{ accountId: 'acc' }] } });

  for await (const user of client.paginateUsers({ search: 'ada', role: ['MANAGER'] })) {
    expectTypeOf(user.role).toEqualTypeOf<'ADMIN' | 'MANAGER' | 'PARTNER' | 'SALESPERSON'>();
  }
  // @ts-expect-error -- not a Role
  client.paginateUsers({ role: ['OWNER'] });
}
