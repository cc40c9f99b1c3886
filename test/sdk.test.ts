import { randomUUID } from 'node:crypto';
import {
  assertOk, createLeadsClient, isLeadsApiError, isOk, LeadsApiError, LeadsUserError, MeDocument, type LeadsClient, type TypedDocumentNode,
  type UserErrorCode,
} from '@leads/client';
import { freePort } from '../server/src/db/embedded';
import { startTestServer, type TestServer } from './support/server';

let s: TestServer;
let sales: LeadsClient;
let admin: LeadsClient;
beforeAll(async () => {
  s = await startTestServer();
  sales = createLeadsClient({ url: s.url, apiKey: s.users.sales.key });
  admin = createLeadsClient({ url: s.url, apiKey: s.users.admin.key });
});
afterAll(async () => { await s?.stop(); });

/** The rejection of `promise`, which must be a LeadsApiError. */
async function apiError(promise: Promise<unknown>): Promise<LeadsApiError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LeadsApiError);
  return err as LeadsApiError;
}

/** A fetch that goes to the real server, except for the failures it is told to inject first. */
function flakyFetch(failures: Array<'network' | 503>) {
  const calls: Array<{ headers: Headers; body: string }> = [];
  const impl: typeof fetch = async (input, init) => {
    calls.push({ headers: new Headers(init?.headers), body: String(init?.body) });
    const failure = failures.shift();
    if (failure === 'network') throw new TypeError('fetch failed');
    if (failure === 503) {
      return new Response('{"errors":[{"message":"Service unavailable"}]}', {
        status: 503, headers: { 'content-type': 'application/json', 'retry-after': '0', 'x-request-id': 'from-proxy' },
      });
    }
    return fetch(input, init);
  };
  return { impl, calls };
}

describe('the lead journey through the SDK', () => {
  test('create a lead, read it back, update it with a version check', async () => {
    const created = await sales.createLead({
      input: {
        topic: 'SDK journey: 40 trucks', firstName: 'Ada', lastName: 'Ng', companyName: 'SDK Journey Freight',
        email: 'ada.ng@sdk-journey.example', rating: 'HOT', budget: { amount: '125000.50', currencyCode: 'USD' },
      },
    });
    expect(created.userErrors).toEqual([]);
    const lead = created.lead!;
    expect(lead).toMatchObject({ state: 'OPEN', statusReason: 'NEW', version: 1, fullName: 'Ada Ng', owner: { id: s.users.sales.id } });
    expect(lead.budget).toEqual({ amount: '125000.50', currencyCode: 'USD' });

    const read = await sales.lead({ id: lead.id });
    expect(read?.topic).toBe('SDK journey: 40 trucks');

    const updated = await sales.updateLead({ input: { id: lead.id, expectedVersion: 1, jobTitle: 'Fleet manager' } });
    expect(updated.userErrors).toEqual([]);
    expect(updated.lead).toMatchObject({ jobTitle: 'Fleet manager', version: 2 });

    const conflict = await sales.updateLead({ input: { id: lead.id, expectedVersion: 1, jobTitle: 'CFO' } });
    const codes: UserErrorCode[] = conflict.userErrors.map((e) => e.code);
    expect(codes).toEqual(['VERSION_CONFLICT']);
  });

  test('create → add stakeholder → note → qualify → read the opportunity; a second qualify is a typed userError', async () => {
    const tag = randomUUID().slice(0, 8);
    const { lead } = await sales.createLead({
      input: {
        topic: `Journey ${tag}`, firstName: 'Ada', lastName: 'Ng', companyName: `Journey Freight ${tag}`,
        email: `ada.${tag}@journey.example`, budget: { amount: '1000.00', currencyCode: 'USD' },
      },
    });
    const added = await sales.addStakeholder({
      input: { leadId: lead!.id, newContact: { firstName: 'Lin', lastName: 'Ng', email: `lin.${tag}@journey.example` }, role: 'DECISION_MAKER' },
    });
    expect(added.userErrors).toEqual([]);
    expect(added.stakeholder).toMatchObject({ role: 'DECISION_MAKER', contact: { fullName: 'Lin Ng' } });
    expect(added.lead?.stakeholders.map((st) => st.id)).toEqual([added.stakeholder!.id]);
    const duplicate = await sales.addStakeholder({ input: { leadId: lead!.id, contactId: added.stakeholder!.contact.id } });
    expect(duplicate.userErrors.map((e) => e.code)).toEqual(['DUPLICATE_STAKEHOLDER']);

    const noted = await sales.addNote({ input: { leadId: lead!.id, text: 'Wants a quote by Friday' } });
    expect(noted.userErrors).toEqual([]);

    const qualified = await sales.qualifyLeads({ input: { leadIds: [lead!.id], currencyCode: 'USD' } });
    expect(qualified).toMatchObject({ qualifiedCount: 1, failedCount: 0, userErrors: [] });
    const [result] = qualified.results;
    expect(result).toMatchObject({
      leadId: lead!.id, accountCreated: true, contactCreated: true, userErrors: [],
      lead: { state: 'QUALIFIED', statusReason: 'QUALIFIED', qualifiedAt: expect.any(String) },
      account: { name: `Journey Freight ${tag}` }, contact: { fullName: 'Ada Ng' },
    });
    expect(result!.lead!.version).toBeGreaterThan(added.lead!.version);

    const opportunity = await sales.opportunity({ id: result!.opportunity!.id });
    expect(opportunity).toMatchObject({
      name: `Journey ${tag}`, state: 'OPEN', currencyCode: 'USD', estimatedValue: { amount: '1000.00', currencyCode: 'USD' },
      originatingLead: { id: lead!.id }, owner: { id: s.users.sales.id }, account: { id: result!.account!.id },
    });
    expect(opportunity!.stakeholders).toEqual([expect.objectContaining({ role: 'DECISION_MAKER', contact: expect.objectContaining({ fullName: 'Lin Ng' }) })]);
    const read = await sales.lead({ id: lead!.id });
    expect(read?.qualifyingOpportunity?.id).toBe(opportunity!.id);

    const again = await sales.qualifyLeads({ input: { leadIds: [lead!.id], currencyCode: 'USD' } });
    expect(again).toMatchObject({ qualifiedCount: 0, failedCount: 1 });
    const codes: UserErrorCode[] = again.results[0]!.userErrors.map((e) => e.code);
    expect(codes).toEqual(['LEAD_NOT_OPEN']);

    const opportunities = [];
    for await (const o of sales.paginateOpportunities({ filter: { originatingLeadId: lead!.id }, pageSize: 1 })) opportunities.push(o.id);
    expect(opportunities).toEqual([opportunity!.id]);

    const history = [];
    for await (const entry of sales.paginateLeadHistory({ leadId: lead!.id, pageSize: 2 })) history.push(entry.action);
    expect(history[0]).toBe('QUALIFIED');
    expect(history).toEqual(expect.arrayContaining(['CREATED', 'STAKEHOLDER_ADDED', 'NOTE_ADDED']));
  });

  test('disqualify, reactivate, change and remove a stakeholder, delete; the audit trail outlives the lead', async () => {
    const { lead } = await sales.createLead({ input: { topic: 'Lifecycle through the SDK', lastName: 'Cycle' } });
    const disqualified = await sales.disqualifyLead({ input: { id: lead!.id, reason: 'NO_LONGER_INTERESTED', expectedVersion: 1 } });
    expect(disqualified.lead).toMatchObject({ state: 'DISQUALIFIED', statusReason: 'NO_LONGER_INTERESTED' });
    expect((await sales.addStakeholder({ input: { leadId: lead!.id, newContact: { lastName: 'Late' } } })).userErrors.map((e) => e.code))
      .toEqual(['LEAD_NOT_OPEN']);
    const reactivated = await sales.reactivateLead({ input: { id: lead!.id } });
    expect(reactivated.lead).toMatchObject({ state: 'OPEN', statusReason: 'NEW' });
    expect((await sales.reactivateLead({ input: { id: lead!.id } })).userErrors.map((e) => e.code)).toEqual(['LEAD_NOT_CLOSED']);

    const { stakeholder } = await sales.addStakeholder({ input: { leadId: lead!.id, newContact: { lastName: 'Champion' } } });
    expect(stakeholder?.role).toBe('STAKEHOLDER');
    const changed = await sales.updateStakeholderRole({ input: { stakeholderId: stakeholder!.id, role: 'CHAMPION' } });
    expect(changed.stakeholder?.role).toBe('CHAMPION');
    const removed = await sales.removeStakeholder({ input: { stakeholderId: stakeholder!.id } });
    expect(removed).toEqual({ removedStakeholderId: stakeholder!.id, userErrors: [] });

    expect(await sales.deleteLead({ input: { id: lead!.id } })).toEqual({ deletedLeadId: lead!.id, userErrors: [] });
    expect(await sales.lead({ id: lead!.id })).toBeNull();
    const trail = [];
    for await (const entry of admin.paginateAuditEntries({ entityId: lead!.id, pageSize: 3 })) trail.push(entry.action);
    expect(trail).toEqual(expect.arrayContaining(['CREATED', 'DISQUALIFIED', 'REACTIVATED', 'STAKEHOLDER_ROLE_CHANGED', 'STAKEHOLDER_REMOVED']));
  });

  test('merge a duplicate into a lead: typed winners, a dry run first, the source closed and pointing at the target', async () => {
    const { lead: target } = await sales.createLead({ input: { topic: 'SDK merge target', lastName: 'Ng', email: 'ng@merge-target.example' } });
    const { lead: source } = await sales.createLead({ input: { topic: 'SDK merge source', lastName: 'Ng', jobTitle: 'Buyer', email: 'ng@merge-source.example' } });
    await sales.addNote({ input: { leadId: source!.id, text: 'Met at the fair' } });
    const input = { targetId: target!.id, sourceIds: [source!.id], fieldWinners: [{ field: 'jobTitle', fromLeadId: source!.id }] };

    const dry = await sales.mergeLeads({ input: { ...input, dryRun: true } });
    expect(dry).toMatchObject({ dryRun: true, mergedLeadIds: [source!.id], movedNotes: 1, lead: { jobTitle: 'Buyer', version: 2 } });
    expect((await sales.lead({ id: source!.id }))?.state).toBe('OPEN');

    const merged = await sales.mergeLeads({ input });
    if (!isOk(merged)) throw new Error(JSON.stringify(merged.userErrors));
    expect(merged.lead).toMatchObject({ id: target!.id, email: 'ng@merge-target.example', jobTitle: 'Buyer', version: 2 });
    expect(merged).toMatchObject({ dryRun: false, mergedLeadIds: [source!.id], movedNotes: 1, movedActivities: 0, movedStakeholders: 0 });
    expect(await sales.lead({ id: source!.id })).toMatchObject({ state: 'DISQUALIFIED', statusReason: 'CANCELED' });

    const again = await sales.mergeLeads({ input });
    const codes: UserErrorCode[] = again.userErrors.map((e) => e.code);
    expect(codes).toEqual(['LEAD_NOT_OPEN']);
    expect(again.userErrors[0]!.field).toEqual(['input', 'sourceIds', '0']);
  });

  test('notes and activities on the lead, read back through its timeline', async () => {
    const { lead } = await sales.createLead({ input: { topic: 'SDK timeline', lastName: 'Lin' } });
    const content = Buffer.from('call notes').toString('base64');
    const noted = await sales.addNote({
      input: { leadId: lead!.id, text: 'Wants a quote by Friday', attachment: { fileName: 'notes.txt', mimeType: 'text/plain', contentBase64: content } },
    });
    expect(noted.userErrors).toEqual([]);
    expect(noted.note).toMatchObject({ text: 'Wants a quote by Friday', author: { id: s.users.sales.id }, attachment: { fileName: 'notes.txt', sizeBytes: 10 } });
    const withContent = await sales.noteAttachmentContent({ noteId: noted.note!.id });
    expect(withContent?.attachment?.contentBase64).toBe(content);

    const logged = await sales.logActivity({ input: { leadId: lead!.id, kind: 'PHONE_CALL', subject: 'Intro call', direction: 'OUTGOING' } });
    expect(logged.activity).toMatchObject({ kind: 'PHONE_CALL', status: 'OPEN' });
    const completed = await sales.completeActivity({ input: { activityId: logged.activity!.id } });
    expect(completed.activity).toMatchObject({ status: 'COMPLETED', completedAt: expect.any(String) });
    const again = await sales.completeActivity({ input: { activityId: logged.activity!.id } });
    expect(again.userErrors.map((e) => e.code)).toEqual(['VALIDATION']);

    const items: string[] = [];
    for await (const item of sales.paginateLeadTimeline({ leadId: lead!.id, pageSize: 1 })) {
      items.push(item.__typename === 'Note' ? `note:${item.text}` : `activity:${item.subject}`);
    }
    expect(items).toEqual(['activity:Intro call', 'note:Wants a quote by Friday']);
    const calls: string[] = [];
    for await (const item of sales.paginateLeadTimeline({ leadId: lead!.id, kinds: ['PHONE_CALL'] })) calls.push(item.id);
    expect(calls).toEqual([logged.activity!.id]);
    const none = [];
    for await (const item of sales.paginateLeadTimeline({ leadId: randomUUID() })) none.push(item);
    expect(none).toEqual([]);
  });

  test('business-rule failures come back as typed userErrors, not exceptions', async () => {
    const res = await sales.createLead({ input: { topic: 'Bad email', lastName: 'Ng', email: 'not-an-email' } });
    expect(res.lead).toBeNull();
    expect(res.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'email'] })]);
  });

  test('createContact returns the new contact', async () => {
    const res = await sales.createContact({ input: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@sdk-journey.example' } });
    expect(res.userErrors).toEqual([]);
    expect(res.contact).toMatchObject({ fullName: 'Grace Hopper', email: 'grace@sdk-journey.example' });
  });

  test('me and currencies', async () => {
    expect(await sales.me()).toEqual({ id: s.users.sales.id, name: 'sales', email: 'sales@test.example', role: 'SALESPERSON' });
    const currencies = await sales.currencies();
    expect(currencies[0]).toMatchObject({ isBase: true, exchangeRate: expect.any(String) });
  });
});

describe('duplicates through the SDK', () => {
  test('createLead reports duplicates, FAIL refuses them, and the duplicate queries agree', async () => {
    const email = `dup.${randomUUID().slice(0, 8)}@sdk.example`;
    const first = await sales.createLead({ input: { topic: 'SDK dup 1', lastName: 'Twin', email } });
    const second = await sales.createLead({ input: { topic: 'SDK dup 2', lastName: 'Twin', email: email.toUpperCase() } });
    expect(second.duplicates.map((d) => [d.lead.id, d.rule, d.score])).toEqual([[first.lead!.id, 'SAME_EMAIL', 1]]);

    const refused = await sales.createLead({ input: { topic: 'SDK dup 3', lastName: 'Twin', email, duplicateCheck: 'FAIL' } });
    expect(refused.lead).toBeNull();
    const codes: UserErrorCode[] = refused.userErrors.map((e) => e.code);
    expect(codes).toEqual(['DUPLICATE_RECORD']);

    const ofFirst = await sales.leadDuplicates({ id: first.lead!.id });
    expect(ofFirst.map((d) => d.lead.id)).toEqual([second.lead!.id]);
    const probe = await sales.findDuplicateLeads({ input: { topic: 'probe', lastName: 'x', email } });
    expect(probe.map((d) => d.lead.id).sort()).toEqual([first.lead!.id, second.lead!.id].sort());
  });
});

describe('pagination helpers', () => {
  test('paginateLeads walks every page and yields each matching lead once', async () => {
    const tag = `page-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { lead } = await sales.createLead({ input: { topic: `${tag} #${i}`, lastName: `Pager${i}` } });
      ids.push(lead!.id);
    }
    const seen: string[] = [];
    for await (const lead of sales.paginateLeads({ filter: { search: tag }, orderBy: { field: 'TOPIC', direction: 'ASC' }, pageSize: 3 })) {
      seen.push(lead.id);
    }
    expect(seen).toEqual(ids);
  });

  test('paginateContacts and paginateAccounts walk their connections', async () => {
    const tag = `Pagecontact${randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 4; i++) await sales.createContact({ input: { lastName: `${tag}${i}` } });
    const contacts: string[] = [];
    for await (const c of sales.paginateContacts({ search: tag, pageSize: 3 })) contacts.push(c.lastName);
    expect(contacts.sort()).toEqual([0, 1, 2, 3].map((i) => `${tag}${i}`));

    const accounts = [];
    for await (const a of admin.paginateAccounts({ pageSize: 2 })) accounts.push(a.id);
    expect(new Set(accounts).size).toBe(accounts.length);
  });

  test('a page size outside 1..100 is the service\'s BAD_USER_INPUT', async () => {
    const err = await apiError(sales.leads({ first: 1000 }));
    expect(err.code).toBe('BAD_USER_INPUT');
  });
});

describe('errors', () => {
  test('a bad key is a LeadsApiError with UNAUTHENTICATED, the HTTP status and the request id', async () => {
    const bad = createLeadsClient({ url: s.url, apiKey: 'lk_not_a_key', headers: { 'x-request-id': 'sdk-bad-key-1' } });
    const err = await apiError(bad.me());
    expect(err).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, requestId: 'sdk-bad-key-1', operationName: 'me' });
    expect(err.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(isLeadsApiError(err)).toBe(true);
  });

  test('a request id comes from the x-request-id header when the body has none', async () => {
    const flaky = flakyFetch([503]);
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: flaky.impl, retry: false });
    const err = await apiError(client.me());
    expect(err).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 503, requestId: 'from-proxy' });
  });

  test('throttling is THROTTLED with the wait the RateLimit headers ask for', async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 1 });
    try {
      const client = createLeadsClient({ url: limited.url, apiKey: limited.users.sales.key, retry: { maxRetryAfterMs: 1000 } });
      await client.me();
      const started = Date.now();
      const err = await apiError(client.me());
      expect(err).toMatchObject({ code: 'THROTTLED', status: 429 });
      expect(err.retryAfterMs).toBeGreaterThan(1000);
      expect(err.requestId).toEqual(expect.any(String));
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await limited.stop();
    }
  });

  test('a timeout is TIMEOUT, and a caller\'s abort rejects with its reason', async () => {
    const slowFetch: typeof fetch = (input, init) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(fetch(input, init)), 200);
        init?.signal?.addEventListener('abort', () => { clearTimeout(timer); reject(init.signal!.reason); });
      });
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: slowFetch, timeoutMs: 20, retry: false });
    expect((await apiError(client.me())).code).toBe('TIMEOUT');

    const controller = new AbortController();
    const reason = new Error('user left the page');
    const pending = client.me(undefined, { signal: controller.signal, timeoutMs: 5000 });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('retries', () => {
  test('queries are retried after network failures and 5xx', async () => {
    const flaky = flakyFetch(['network', 503]);
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: flaky.impl, retry: { minDelayMs: 5 } });
    expect((await client.me()).id).toBe(s.users.sales.id);
    expect(flaky.calls).toHaveLength(3);
  });

  test('a query gives up after `retries` retries with the last failure', async () => {
    const flaky = flakyFetch(['network', 'network', 'network']);
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: flaky.impl, retry: { retries: 1, minDelayMs: 5 } });
    expect((await apiError(client.me())).code).toBe('NETWORK_ERROR');
    expect(flaky.calls).toHaveLength(2);
  });

  test('a mutation is sent once unless the caller gives an idempotency key', async () => {
    const once = flakyFetch(['network']);
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: once.impl, retry: { minDelayMs: 5 } });
    expect((await apiError(client.createLead({ input: { topic: 'Retry me not', lastName: 'Once' } }))).code).toBe('NETWORK_ERROR');
    expect(once.calls).toHaveLength(1);

    const keyed = flakyFetch(['network']);
    const retrying = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: keyed.impl, retry: { minDelayMs: 5 } });
    const key = randomUUID();
    const res = await retrying.createLead({ input: { topic: 'Retry me', lastName: 'Twice' } }, { idempotencyKey: key });
    expect(res.userErrors).toEqual([]);
    expect(keyed.calls.map((c) => c.headers.get('idempotency-key'))).toEqual([key, key]);
  });

  test('with a key, a mutation whose response was lost is retried without being applied twice', async () => {
    let lose = true;
    // The server runs the mutation, but its response never reaches the client: a timeout.
    const losing: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (lose) { lose = false; await res.text(); throw new TypeError('fetch failed: socket hang up'); }
      return res;
    };
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: losing, retry: { minDelayMs: 5 } });
    const topic = `Lost response ${randomUUID()}`;
    const res = await client.createLead({ input: { topic, lastName: 'Once' } }, { idempotencyKey: randomUUID() });
    expect(res.lead?.topic).toBe(topic);
    const rows = await s.db.query('select id from lead where topic = $1', [topic]);
    expect(rows.rows.map((r) => r.id)).toEqual([res.lead?.id]);
  });

  test('requests carry the key, JSON content type and the operation name', async () => {
    const spy = flakyFetch([]);
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: spy.impl, headers: { 'x-partner': 'acme' } });
    await client.lead({ id: randomUUID() });
    const [call] = spy.calls;
    expect(call!.headers.get('authorization')).toBe(`Bearer ${s.users.sales.key}`);
    expect(call!.headers.get('content-type')).toBe('application/json');
    expect(call!.headers.get('x-partner')).toBe('acme');
    expect(JSON.parse(call!.body)).toMatchObject({ operationName: 'lead', variables: { id: expect.any(String) } });
  });
});

describe('typed documents', () => {
  test('request() runs the exported documents and documents of the caller\'s own', async () => {
    const data = await sales.request(MeDocument);
    expect(data.me.id).toBe(s.users.sales.id);

    const own = { kind: 'Document', definitions: [{
      kind: 'OperationDefinition', operation: 'query', name: { kind: 'Name', value: 'myName' },
      selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'me' },
        selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'name' } }] } }] },
    }] } as unknown as TypedDocumentNode<{ me: { name: string } }, Record<string, never>>;
    expect(await sales.request(own)).toEqual({ me: { name: 'sales' } });
  });
});

describe('ergonomics', () => {
  test('isOk tells a payload without userErrors, assertOk throws the userErrors of one with them', async () => {
    const good = await sales.createLead({ input: { topic: 'isOk: yes', lastName: 'Yes' } });
    expect(isOk(good)).toBe(true);
    assertOk(good);
    expect(good.lead.topic).toBe('isOk: yes');

    const bad = await sales.createLead({ input: { topic: '  ', lastName: 'No' } });
    expect(isOk(bad)).toBe(false);
    const thrown = (() => { try { assertOk(bad); return null; } catch (e) { return e; } })();
    expect(thrown).toBeInstanceOf(LeadsUserError);
    expect(thrown).toMatchObject({ code: 'VALIDATION', userErrors: bad.userErrors });
    expect((thrown as Error).message).toMatch(/^VALIDATION: .* \(input\.topic\)$/);
    expect(isOk(undefined)).toBe(false);
  });

  test('a qualified lead\'s result has its opportunity', async () => {
    const created = await sales.createLead({ input: { topic: 'Qualified via isOk', lastName: 'Opp', companyName: `Opp ${randomUUID()}` } });
    assertOk(created);
    const { results: [result] } = await sales.qualifyLeads({ input: { leadIds: [created.lead.id], currencyCode: 'USD' } });
    expect(isOk(result)).toBe(true);
    if (isOk(result)) expect((await sales.opportunity({ id: result.opportunity.id }))?.originatingLead?.id).toBe(created.lead.id);
  });

  test('a page size over 100 is fetched 100 at a time, and a size below 1 is refused by name', async () => {
    const tag = `pg500-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++) assertOk(await sales.createLead({ input: { topic: `${tag} ${i}`, lastName: 'Paged' } }));
    const spy = flakyFetch([]);
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: spy.impl });
    const seen: string[] = [];
    for await (const lead of client.paginateLeads({ filter: { search: tag }, pageSize: 500 })) seen.push(lead.topic);
    expect(seen.sort()).toEqual([`${tag} 0`, `${tag} 1`, `${tag} 2`]);
    expect(spy.calls.map((c) => JSON.parse(c.body).variables.first)).toEqual([100]);
    for (const pageSize of [0, -1, 2.5]) {
      expect(() => client.paginateLeads({ pageSize })).toThrow(new RangeError(`pageSize must be a whole number of at least 1 (got ${pageSize})`));
    }
    expect(spy.calls).toHaveLength(1);
  });

  test('a network failure says what happened, and where', async () => {
    const port = await freePort(); // nothing listens there
    const url = `http://127.0.0.1:${port}/graphql`;
    const refused = await apiError(createLeadsClient({ url, apiKey: 'k', retry: false }).me());
    expect(refused.code).toBe('NETWORK_ERROR');
    expect(refused.message).toBe(`me: no response from ${url}: connection refused (is the service running, on that port?) (ECONNREFUSED)`);
    expect(refused.cause).toBeDefined();

    const dns = await apiError(createLeadsClient({ url: 'http://leads-sdk-test.invalid/graphql', apiKey: 'k', retry: false }).me());
    expect(dns.message).toMatch(/^me: no response from http:\/\/leads-sdk-test\.invalid\/graphql: DNS: /);

    const slow = createLeadsClient({ url: s.url, apiKey: 'k', retry: false, timeoutMs: 1, fetch: (i, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))) });
    expect((await apiError(slow.me())).message).toBe(`me: no response from ${s.url} within 1 ms`);
  });

  test('the service\'s 409 "still running" with Retry-After is retried like a 429; without Retry-After it is not', async () => {
    const inProgress = () => new Response(JSON.stringify({ errors: [{ message: 'A request with this Idempotency-Key is still running', extensions: { code: 'THROTTLED' } }] }), {
      status: 409, headers: { 'content-type': 'application/json', 'retry-after': '0' },
    });
    let conflicts = 1;
    const calls: string[] = [];
    const busy: typeof fetch = async (input, init) => {
      calls.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      if (conflicts-- > 0) return inProgress();
      return fetch(input, init);
    };
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: busy, retry: { minDelayMs: 5 } });
    const key = randomUUID();
    const res = await client.createLead({ input: { topic: 'After a 409', lastName: 'Waited' } }, { idempotencyKey: key });
    expect(isOk(res)).toBe(true);
    expect(calls).toEqual([key, key]);

    const noWait: typeof fetch = async () => new Response('{"errors":[{"message":"conflict","extensions":{"code":"CONFLICT"}}]}', { status: 409 });
    let tries = 0;
    const plain = createLeadsClient({ url: s.url, apiKey: s.users.sales.key, fetch: (i, init) => { tries++; return noWait(i, init); }, retry: { minDelayMs: 5 } });
    expect(await apiError(plain.me())).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(tries).toBe(1);
  });
});
