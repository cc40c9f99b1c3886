import { randomUUID } from 'node:crypto';
import { createLeadsClient } from '@leads/client';
import { insertLeads, rowCounts } from './support/lifecycle';
import { dataStatements, startTestServer, type TestServer, type TestUser } from './support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const IMPORT = `mutation($input: ImportLeadsInput!) { importLeads(input: $input) {
  results { index action lead { id topic email jobTitle companyName version source owner { id } } userErrors { code field message } }
  dryRun createdCount updatedCount skippedCount failedCount userErrors { code field message } } }`;
const SLIM = `mutation($input: ImportLeadsInput!) { importLeads(input: $input) {
  results { index action lead { id } userErrors { code field message } }
  createdCount updatedCount skippedCount failedCount userErrors { code } } }`;

type Row = Record<string, unknown>;
const importLeads = async (input: Record<string, unknown>, as: TestUser = s.users.admin, query = IMPORT) => {
  const res = await s.gql(query, { input }, { as });
  expect(res.errors).toBeUndefined();
  return res.data.importLeads;
};
const uniq = () => randomUUID().slice(0, 8);
const email = (name = 'row') => `${name}.${uniq()}@import.example`;
const row = (fields: Row = {}): Row => ({ topic: 'Imported', lastName: 'Row', ...fields });
const actions = (out: { results: { action: string }[] }) => out.results.map((r) => r.action);
const leadsWithEmail = async (...emails: string[]) =>
  (await s.db.query('select id, email, version, job_title, owner_id, source, created_by_id from lead where lower(email) = any($1) order by created_at, id',
    [emails.map((e) => e.toLowerCase())])).rows;
const history = async (id: string) => {
  const res = await s.gql(`query($id: ID!) { lead(id: $id) { history(first: 10) { nodes { action actor { id } changes { field oldValue newValue } } } } }`, { id });
  return res.data.lead.history.nodes as { action: string; actor: { id: string }; changes: { field: string; oldValue: string | null; newValue: string | null }[] }[];
};

describe('importing rows', () => {
  test('each row creates a lead exactly as createLead does: OPEN/NEW, version 1, the same fields and CREATED history', async () => {
    const [account] = (await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), 'Imp Co', 'imp co', now()) returning id`)).rows;
    const fields = (address: string) => ({
      topic: ' 40 trucks ', firstName: 'Ada', lastName: 'Ng', jobTitle: 'Buyer', companyName: 'Imp Co', email: address,
      businessPhone: '+1 425 555 0100', website: 'imp.example', address: { city: 'Redmond', country: ' USA ', line1: '' },
      industry: 'TRANSPORTATION', preferredContactMethod: 'EMAIL', source: 'TRADE_SHOW', rating: 'HOT', description: 'Met at the show',
      budget: { amount: '1250', currencyCode: 'EUR' }, purchaseTimeframe: 'THIS_QUARTER', purchaseProcess: 'COMMITTEE',
      budgetStatus: 'CAN_BUY', decisionMakerIdentified: true, existingAccountId: account.id, ownerId: s.users.sales.id,
    });
    const LEAD = `id topic firstName lastName fullName jobTitle companyName email businessPhone website address { line1 city country }
      industry preferredContactMethod source rating description budget { amount currencyCode } purchaseTimeframe purchaseProcess
      budgetStatus decisionMakerIdentified existingAccount { id } state statusReason version owner { id }`;
    const out = (await s.gql(`mutation($input: ImportLeadsInput!) { importLeads(input: $input) {
      results { index action lead { ${LEAD} } userErrors { code } } createdCount updatedCount skippedCount failedCount dryRun userErrors { code } } }`,
    { input: { rows: [fields(email('ada')), row({ email: email('second') })] } }, { as: s.users.manager })).data.importLeads;
    expect(out).toMatchObject({ createdCount: 2, updatedCount: 0, skippedCount: 0, failedCount: 0, dryRun: false, userErrors: [] });
    expect(out.results.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    const imported = out.results[0].lead;
    expect(imported).toMatchObject({ state: 'OPEN', statusReason: 'NEW', version: 1, topic: '40 trucks', owner: { id: s.users.sales.id } });
    expect(out.results[1].lead).toMatchObject({ state: 'OPEN', version: 1, owner: { id: s.users.manager.id }, preferredContactMethod: 'ANY', decisionMakerIdentified: false });

    const created = (await s.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { ${LEAD} } userErrors { code } } }`,
      { input: { ...fields(email('ada')), duplicateCheck: 'OFF' } }, { as: s.users.manager })).data.createLead.lead;
    const { id: _a, email: _e, ...importedFields } = imported;
    const { id: _b, email: _f, ...createdFields } = created;
    expect(importedFields).toEqual(createdFields);

    const [importedHistory, createdHistory] = [await history(imported.id), await history(created.id)];
    expect(importedHistory).toHaveLength(1);
    expect(importedHistory[0]).toMatchObject({ action: 'CREATED', actor: { id: s.users.manager.id } });
    const withoutEmail = (h: typeof importedHistory) => h[0].changes.filter((c) => c.field !== 'email');
    expect(withoutEmail(importedHistory)).toEqual(withoutEmail(createdHistory));
    expect(importedHistory[0].changes).toContainEqual({ field: 'budget', oldValue: null, newValue: '1250.00 EUR' });
  });

  test('each row is validated as createLead input, its errors naming ["input","rows","<index>", …]; the valid rows are created', async () => {
    const out = await importLeads({ rows: [
      row({ email: email() }),
      row({ topic: '  ', email: 'not an email' }),
      row({ website: 'nope', address: { postalCode: 'x'.repeat(21) } }),
      row({ budget: { amount: '12.345', currencyCode: 'USD' } }),
      row({ budget: { amount: '10', currencyCode: 'XYZ' } }),
      row({ existingAccountId: randomUUID(), existingContactId: 'not-an-id' }),
      row({ ownerId: s.users.partner.id }),
      row({ ownerId: randomUUID() }),
    ] });
    expect(actions(out)).toEqual(['CREATED', 'FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(out).toMatchObject({ createdCount: 1, failedCount: 7, userErrors: [] });
    const errors = out.results.map((r: { userErrors: { code: string; field: string[] }[] }) => r.userErrors.map((e) => [e.code, e.field.join('.')]).sort());
    expect(errors).toEqual([
      [],
      [['VALIDATION', 'input.rows.1.email'], ['VALIDATION', 'input.rows.1.topic']],
      [['VALIDATION', 'input.rows.2.address.postalCode'], ['VALIDATION', 'input.rows.2.website']],
      [['VALIDATION', 'input.rows.3.budget.amount']],
      [['UNKNOWN_CURRENCY', 'input.rows.4.budget.currencyCode']],
      [['NOT_FOUND', 'input.rows.5.existingAccountId'], ['NOT_FOUND', 'input.rows.5.existingContactId']],
      [['VALIDATION', 'input.rows.6.ownerId']],
      [['NOT_FOUND', 'input.rows.7.ownerId']],
    ]);
    expect(out.results.slice(1).every((r: { lead: unknown }) => r.lead === null)).toBe(true);
  });

  test('0 and 5001 rows are refused as a whole with a top-level BAD_USER_INPUT, before any lead is read or written', async () => {
    const before = await rowCounts(s);
    for (const rows of [[], Array.from({ length: 5001 }, () => row())]) {
      s.resetSql();
      const res = await s.gql(SLIM, { input: { rows } });
      expect(res.status).toBe(400);
      expect(res.data?.importLeads ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.rows' });
      expect(dataStatements(s.sql).filter((q) => /"?lead"?\b/.test(q))).toEqual([]);
    }
    expect(await rowCounts(s)).toEqual(before);
  });
});

describe('matching rows to leads by email', () => {
  test('SKIP (the default) leaves the matched lead alone and returns it; the match ignores case', async () => {
    const address = email('Skip');
    const [id] = await insertLeads(s, s.users.sales, [{ email: address, job_title: 'Kept' }]);
    const out = await importLeads({ rows: [row({ email: address.toUpperCase(), jobTitle: 'Ignored' })] });
    expect(out).toMatchObject({ skippedCount: 1, createdCount: 0, results: [{ action: 'SKIPPED', lead: { id, jobTitle: 'Kept', version: 1 }, userErrors: [] }] });
    expect(await leadsWithEmail(address)).toMatchObject([{ id, version: 1, job_title: 'Kept' }]);
    expect(await history(id)).toEqual([]);
  });

  test("UPDATE overwrites the lead's fields with the row's non-null ones: version + 1 and one UPDATED history entry", async () => {
    const address = email('update');
    const [id] = await insertLeads(s, s.users.sales, [{ email: address, job_title: 'Old title', company_name: 'Kept Co', business_phone: '+1 555 0100' }]);
    const out = await importLeads({ onMatch: 'UPDATE', rows: [row({
      topic: 'New topic', email: address.toUpperCase(), jobTitle: 'New title', companyName: '  ', businessPhone: null, rating: 'WARM',
    })] }, s.users.manager);
    expect(out).toMatchObject({ updatedCount: 1, results: [{ action: 'UPDATED', lead: { id, topic: 'New topic', jobTitle: 'New title', companyName: 'Kept Co', version: 2 } }] });
    const [entry, ...rest] = await history(id);
    expect(rest).toEqual([]);
    expect(entry.action).toBe('UPDATED');
    expect(entry.actor.id).toBe(s.users.manager.id);
    expect(entry.changes).toEqual(expect.arrayContaining([
      { field: 'topic', oldValue: 'Lead 0', newValue: 'New topic' }, { field: 'jobTitle', oldValue: 'Old title', newValue: 'New title' },
      { field: 'lastName', oldValue: 'Person0', newValue: 'Row' }, { field: 'rating', oldValue: null, newValue: 'WARM' },
    ]));
    expect(entry.changes.map((c) => c.field)).not.toEqual(expect.arrayContaining(['companyName']));
    expect(entry.changes.map((c) => c.field)).not.toEqual(expect.arrayContaining(['businessPhone']));
    expect((await s.db.query('select business_phone, company_name from lead where id = $1', [id])).rows).toEqual([{ business_phone: '+1 555 0100', company_name: 'Kept Co' }]);

    // A row whose values the lead has already is UPDATED without a new version, as updateLead.
    const again = await importLeads({ onMatch: 'UPDATE', rows: [row({ topic: 'New topic', email: address.toUpperCase(), jobTitle: 'New title' })] }, s.users.manager);
    expect(again.results[0]).toMatchObject({ action: 'UPDATED', lead: { id, version: 2 } });
    expect(await history(id)).toHaveLength(1);
  });

  test('CREATE makes a new lead although one matches; NONE matches nothing', async () => {
    const address = email('create');
    const [id] = await insertLeads(s, s.users.sales, [{ email: address }]);
    const created = await importLeads({ onMatch: 'CREATE', rows: [row({ email: address })] });
    expect(created).toMatchObject({ createdCount: 1, results: [{ action: 'CREATED' }] });
    expect(created.results[0].lead.id).not.toBe(id);
    const none = await importLeads({ matchOn: 'NONE', onMatch: 'UPDATE', rows: [row({ email: address }), row({ email: address })] });
    expect(actions(none)).toEqual(['CREATED', 'CREATED']);
    expect(await leadsWithEmail(address)).toHaveLength(4);
  });

  test('only OPEN leads are matched, the oldest of several; a row without an email matches nothing', async () => {
    const closed = email('closed');
    const [closedId] = await insertLeads(s, s.users.sales, [{ email: closed, state: 'DISQUALIFIED', status_reason: 'LOST' }]);
    const shared = email('shared');
    const [oldId, newId] = await insertLeads(s, s.users.sales, [{ email: shared }, { email: shared.toUpperCase() }]);
    await s.db.query(`update lead set created_at = now() - interval '1 day' where id = $1`, [oldId]);
    const out = await importLeads({ rows: [row({ email: closed }), row({ email: shared }), row({ email: null }), row()] });
    expect(actions(out)).toEqual(['CREATED', 'SKIPPED', 'CREATED', 'CREATED']);
    expect(out.results[0].lead.id).not.toBe(closedId);
    expect(out.results[1].lead.id).toBe(oldId);
    expect(newId).not.toBe(oldId);
  });

  test('two rows of one call with one email make one lead: the later row matches the lead the earlier one created', async () => {
    const [a, b] = [email('twice'), email('twice')];
    const skip = await importLeads({ rows: [row({ email: a, jobTitle: 'First' }), row({ email: a.toUpperCase(), jobTitle: 'Second' })] });
    expect(actions(skip)).toEqual(['CREATED', 'SKIPPED']);
    expect(skip.results[1].lead.id).toBe(skip.results[0].lead.id);
    expect(await leadsWithEmail(a)).toMatchObject([{ job_title: 'First', version: 1 }]);

    const update = await importLeads({ onMatch: 'UPDATE', rows: [row({ email: b, jobTitle: 'First', companyName: 'Co' }), row({ email: b, jobTitle: 'Second' })] });
    expect(actions(update)).toEqual(['CREATED', 'UPDATED']);
    const { id } = update.results[0].lead;
    expect(update.results[1].lead).toMatchObject({ id, jobTitle: 'Second', companyName: 'Co', version: 1 });
    expect(await leadsWithEmail(b)).toMatchObject([{ id, job_title: 'Second', version: 1 }]);
    const entries = await history(id);
    expect(entries.map((e) => e.action)).toEqual(['CREATED']);
    expect(entries[0].changes).toContainEqual({ field: 'jobTitle', oldValue: null, newValue: 'Second' });
  });
});

describe('who imports what', () => {
  test('a PARTNER imports its own leads (source PARTNER by default), matched only against the leads it created', async () => {
    const [mine, theirs, staffs] = [email('mine'), email('theirs'), email('staff')];
    const [mineId] = await insertLeads(s, s.users.partner, [{ email: mine }]);
    await insertLeads(s, s.users.partner2, [{ email: theirs }]);
    await insertLeads(s, s.users.sales, [{ email: staffs }]);
    const out = await importLeads({ rows: [
      row({ email: mine }), row({ email: theirs }), row({ email: staffs, source: 'WEB' }), row({ ownerId: s.users.sales.id }),
    ] }, s.users.partner);
    expect(actions(out)).toEqual(['SKIPPED', 'CREATED', 'CREATED', 'FAILED']);
    expect(out.results[0].lead.id).toBe(mineId);
    expect(out.results[1].lead).toMatchObject({ source: 'PARTNER', owner: { id: s.users.partner.id } });
    expect(out.results[2].lead).toMatchObject({ source: 'WEB', owner: { id: s.users.partner.id } });
    expect(out.results[3].userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'rows', '3', 'ownerId'] })]);
    expect((await leadsWithEmail(theirs, staffs)).filter((l) => l.created_by_id === s.users.partner.id)).toHaveLength(2);

    // A PARTNER changes no lead, its own included: UPDATE fails the matching row.
    const update = await importLeads({ onMatch: 'UPDATE', rows: [row({ email: mine, jobTitle: 'x' }), row({ email: theirs })] }, s.users.partner);
    expect(actions(update)).toEqual(['FAILED', 'FAILED']);
    expect(update.results[0].userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'rows', '0', 'email'] })]);
  });

  test("a SALESPERSON's UPDATE of someone else's lead fails that row with FORBIDDEN; its own leads are updated", async () => {
    const [own, others] = [email('own'), email('others')];
    const [ownId] = await insertLeads(s, s.users.sales, [{ email: own }]);
    const [otherId] = await insertLeads(s, s.users.sales2, [{ email: others }]);
    const out = await importLeads({ onMatch: 'UPDATE', rows: [row({ email: own, jobTitle: 'Mine' }), row({ email: others, jobTitle: 'Theirs' })] }, s.users.sales);
    expect(actions(out)).toEqual(['UPDATED', 'FAILED']);
    expect(out.results[0].lead).toMatchObject({ id: ownId, jobTitle: 'Mine', version: 2 });
    expect(out.results[1]).toMatchObject({ lead: null, userErrors: [{ code: 'FORBIDDEN', field: ['input', 'rows', '1', 'email'] }] });
    expect(out.results[1].userErrors[0].message).toContain(otherId);
    expect(await leadsWithEmail(others)).toMatchObject([{ id: otherId, version: 1, job_title: null }]);
  });
});

describe('allOrNone and dryRun', () => {
  test('allOrNone: one failing row writes nothing, and every result says why', async () => {
    const address = email('aon');
    const [id] = await insertLeads(s, s.users.sales, [{ email: address }]);
    const before = await rowCounts(s);
    const out = await importLeads({ allOrNone: true, onMatch: 'UPDATE', rows: [row({ email: email() }), row({ email: 'bad' }), row({ email: address, jobTitle: 'x' })] });
    expect(out).toMatchObject({ createdCount: 0, updatedCount: 0, failedCount: 3 });
    expect(out.results.map((r: { lead: unknown }) => r.lead)).toEqual([null, null, null]);
    expect(out.results[1].userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'rows', '1', 'email'] })]);
    for (const i of [0, 2]) {
      expect(out.results[i].userErrors).toEqual([{ code: 'VALIDATION', field: ['input', 'rows', '1'], message: expect.stringContaining('allOrNone') }]);
    }
    expect(await rowCounts(s)).toEqual(before);
    expect(await leadsWithEmail(address)).toMatchObject([{ id, version: 1, job_title: null }]);
  });

  test('dryRun: the results as they would be, and nothing written', async () => {
    const [match, skip] = [email('dry'), email('dry')];
    const [matchId] = await insertLeads(s, s.users.sales, [{ email: match }]);
    const fresh = email('fresh');
    const before = await rowCounts(s);
    const snapshot = (await s.db.query('select * from lead order by id')).rows;
    const out = await importLeads({ dryRun: true, onMatch: 'UPDATE', rows: [
      row({ email: fresh }), row({ email: match, jobTitle: 'Would be' }), row({ email: 'bad' }), row({ email: fresh }), row({ email: skip, ownerId: s.users.sales2.id }),
    ] }, s.users.manager);
    expect(out).toMatchObject({ dryRun: true, createdCount: 2, updatedCount: 2, failedCount: 1, skippedCount: 0 });
    expect(actions(out)).toEqual(['CREATED', 'UPDATED', 'FAILED', 'UPDATED', 'CREATED']);
    // A lead that would be created has no id; one that would be updated is shown as it is.
    expect(out.results.map((r: { lead: { id: string } | null }) => r.lead?.id ?? null)).toEqual([null, matchId, null, null, null]);
    expect(out.results[1].lead).toMatchObject({ jobTitle: null, version: 1 });
    expect(await rowCounts(s)).toEqual(before);
    expect((await s.db.query('select * from lead order by id')).rows).toEqual(snapshot);
  });
});

describe('set-based writes', () => {
  /**
   * An import of `n` rows as the manager: half match leads of the salesperson (UPDATE), half are
   * new; every row has a budget, an existing account and an owner to check. Returns the data
   * statements it ran, without the API-key lookup.
   */
  async function importOf(n: number): Promise<string[]> {
    const tag = uniq();
    const [account] = (await s.db.query(`insert into account (id, name, name_normalized, created_at) values (gen_random_uuid(), 'Acct', 'acct', now()) returning id`)).rows;
    await s.db.query(`insert into lead (id, topic, last_name, email, owner_id, created_by_id, created_at, updated_at)
      select gen_random_uuid(), 'Existing', 'Person', 'p' || i || '.${tag}@bulk.example', $1, $1, now(), now() from generate_series(1, $2::int) i`,
    [s.users.sales.id, n / 2]);
    const rows = Array.from({ length: n }, (_, i) => ({
      topic: `Row ${i}`, firstName: 'Bulk', lastName: `Person ${i}`, email: `p${i + 1}.${tag}@bulk.example`, companyName: `Company ${i}`,
      jobTitle: 'Buyer', businessPhone: `+1 425 555 ${String(i).padStart(4, '0')}`, address: { city: 'Redmond', country: 'USA' }, source: 'TRADE_SHOW',
      budget: { amount: '1000.00', currencyCode: 'EUR' }, existingAccountId: account.id, ownerId: s.users.sales.id,
    }));
    s.resetSql();
    const res = await s.gql(SLIM, { input: { rows, onMatch: 'UPDATE' } }, { as: s.users.manager });
    expect(res.errors).toBeUndefined();
    expect(res.data.importLeads).toMatchObject({ createdCount: n / 2, updatedCount: n / 2, failedCount: 0 });
    const statements = dataStatements(s.sql).filter((q) => !/"api_key"/.test(q));
    const { rows: [counts] } = await s.db.query(`select count(*)::int as leads, count(*) filter (where l.version = 2)::int as updated,
        (select count(*)::int from audit_entry a join lead m on m.id = a.entity_id where m.email like '%.${tag}@bulk.example') as entries
      from lead l where l.email like '%.${tag}@bulk.example'`);
    expect(counts).toEqual({ leads: n, updated: n / 2, entries: n });
    return statements;
  }

  test('the statements are the same for 10 rows as for 5000 (which fit the request and cost limits), the history included', async () => {
    const small = await importOf(10);
    const large = await importOf(5000);
    expect(large.length).toBe(small.length);
    expect(small.length).toBeLessThanOrEqual(8);
    expect(large.filter((q) => /\binsert into\b/i.test(q))).toHaveLength(1);
    expect(large.filter((q) => /^\W*(\[query\]\s*)?update\b/i.test(q))).toHaveLength(1);
  }, 120_000);
});

describe('concurrency', () => {
  test('two concurrent imports of the same new emails create each lead once', async () => {
    const emails = Array.from({ length: 50 }, (_, i) => email(`race${i}`));
    const rows = emails.map((e) => row({ email: e, businessPhone: null }));
    const [a, b] = await Promise.all([importLeads({ rows }, s.users.sales), importLeads({ rows }, s.users.manager)]);
    expect(a.createdCount + b.createdCount).toBe(50);
    expect(a.skippedCount + b.skippedCount).toBe(50);
    expect(await leadsWithEmail(...emails)).toHaveLength(50);
  });

  test('an import racing createLead with duplicateCheck FAIL: the person is created once', async () => {
    for (let i = 0; i < 8; i++) {
      const address = email(`vs${i}`);
      const phone = `+1 206 555 ${String(1000 + i)}`;
      const [imported, created] = await Promise.all([
        importLeads({ rows: [row({ email: address }), row({ email: email('other') })] }, s.users.sales),
        s.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { code } } }`,
          { input: { topic: 'Direct', lastName: 'Row', email: address.toUpperCase(), businessPhone: phone, duplicateCheck: 'FAIL' } }, { as: s.users.manager }),
      ]);
      const leads = await leadsWithEmail(address);
      expect(leads).toHaveLength(1);
      if (imported.results[0].action === 'CREATED') expect(created.data.createLead.userErrors).toEqual([{ code: 'DUPLICATE_RECORD' }]);
      else expect(imported.results[0]).toMatchObject({ action: 'SKIPPED', lead: { id: created.data.createLead.lead.id } });
    }
  });
});

describe('through the SDK', () => {
  test('importLeads is a typed method', async () => {
    const client = createLeadsClient({ url: s.url, apiKey: s.users.sales.key });
    const address = email('sdk');
    const out = await client.importLeads({ input: { rows: [{ topic: 'SDK row', lastName: 'Sdk', email: address }, { topic: '', lastName: 'Sdk' }], onMatch: 'SKIP' } });
    const [first, second] = out.results;
    const action: 'CREATED' | 'UPDATED' | 'SKIPPED' | 'FAILED' = first.action;
    expect(action).toBe('CREATED');
    expect(first.lead).toMatchObject({ topic: 'SDK row', fullName: 'Sdk', email: address, version: 1 });
    expect(second).toMatchObject({ index: 1, action: 'FAILED', lead: null, userErrors: [{ code: 'VALIDATION', field: ['input', 'rows', '1', 'topic'] }] });
    expect([out.createdCount, out.failedCount, out.dryRun]).toEqual([1, 1, false]);
  });
});
