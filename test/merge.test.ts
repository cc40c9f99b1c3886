import { randomUUID } from 'node:crypto';
import { dataStatements, startTestServer, type TestServer, type TestUser } from './support/server';
import { insertLeads, QUALIFY, rowCounts } from './support/lifecycle';
import { addNote, createLead, logActivity } from './support/timeline';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const LEAD = `id topic firstName lastName email companyName rating description decisionMakerIdentified
  budget { amount currencyCode } address { line1 city country } state statusReason version lastActivityAt nextFollowUpAt`;
const MERGE = `mutation($input: MergeLeadsInput!) { mergeLeads(input: $input) {
  lead { ${LEAD} } mergedLeadIds dryRun movedNotes movedActivities movedStakeholders userErrors { code message field } } }`;

/** Runs mergeLeads, expects no top-level errors, returns the payload. */
async function merge(input: Record<string, unknown>, as: TestUser = s.users.admin): Promise<any> {
  const res = await s.gql(MERGE, { input }, { as });
  expect(res.errors).toBeUndefined();
  return res.data.mergeLeads;
}
const errors = (p: { userErrors: { code: string; field: string[] }[] }) => p.userErrors.map((e) => [e.code, e.field]);

/** Inserts a contact and puts it on each lead with the role given; returns the contact id. */
async function stakeholder(leads: [string, string][]): Promise<string> {
  const contact = randomUUID();
  await s.db.query("insert into contact (id, last_name, created_at) values ($1, 'Stake', now())", [contact]);
  for (const [leadId, role] of leads) {
    await s.db.query('insert into stakeholder (id, lead_id, contact_id, role, created_at) values (gen_random_uuid(), $1, $2, $3, now())', [leadId, contact, role]);
  }
  return contact;
}

/** Everything that a merge may change, to prove a refused call or a dry run changed nothing. */
async function snapshot(ids: string[]): Promise<unknown> {
  const leads = await s.db.query('select * from lead where id = any($1) order by id', [ids]);
  const children: Record<string, unknown[]> = {};
  for (const t of ['note', 'attachment', 'activity', 'stakeholder']) {
    children[t] = (await s.db.query(`select id, lead_id from "${t}" where lead_id = any($1) order by id`, [ids])).rows;
  }
  return { counts: await rowCounts(s), leads: leads.rows, children };
}

const history = async (id: string) => {
  const res = await s.gql(`query($id: ID!) { lead(id: $id) { history(first: 100) { nodes { action actor { id } changes { field oldValue newValue } } } } }`, { id });
  expect(res.errors).toBeUndefined();
  return res.data.lead.history.nodes as { action: string; actor: { id: string }; changes: { field: string; oldValue: string | null; newValue: string | null }[] }[];
};

describe('mergeLeads', () => {
  test('fields come from the target unless fieldWinners names a source; the timeline and stakeholders move; each source is closed with mergedInto', async () => {
    const [target, first, second] = await insertLeads(s, s.users.sales, [
      { topic: 'Target', first_name: 'Ann', email: 'ann@target.example', company_name: 'Target Co', budget_amount: '100.00', budget_currency_code: 'USD' },
      { topic: 'First', first_name: 'Anne', email: 'anne@first.example', company_name: 'First Co', budget_amount: '2500.50', budget_currency_code: 'EUR' },
      { topic: 'Second', first_name: 'Annie', email: null, company_name: 'Second Co' },
    ]);
    await s.db.query("update lead set address_city = 'Lisbon', address_country = 'PT', rating = 'HOT' where id = $1", [second]);
    await s.db.query("update lead set rating = 'COLD', description = 'kept' where id = $1", [target]);
    const pdf = Buffer.from('%PDF-1.4 offer');
    const { note } = await addNote(s, s.users.sales, {
      leadId: first, text: 'Offer attached', attachment: { fileName: 'offer.pdf', mimeType: 'application/pdf', contentBase64: pdf.toString('base64') },
    });
    await addNote(s, s.users.sales, { leadId: second, text: 'Second note' });
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const later = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const { activity } = await logActivity(s, s.users.sales, { leadId: second, kind: 'PHONE_CALL', subject: 'Call back', dueAt: due });
    await logActivity(s, s.users.sales, { leadId: target, kind: 'TASK', subject: 'Send deck', dueAt: later });
    await stakeholder([[first, 'CHAMPION']]);

    const out = await merge({
      targetId: target, sourceIds: [first, second],
      fieldWinners: [
        { field: 'email', fromLeadId: first }, { field: 'budget', fromLeadId: first }, { field: 'address', fromLeadId: second },
        { field: 'rating', fromLeadId: second }, { field: 'topic', fromLeadId: target },
      ],
    }, s.users.sales);
    expect(out).toMatchObject({
      mergedLeadIds: [first, second], dryRun: false, movedNotes: 2, movedActivities: 1, movedStakeholders: 1, userErrors: [],
      lead: {
        id: target, topic: 'Target', firstName: 'Ann', email: 'anne@first.example', companyName: 'Target Co', rating: 'HOT', description: 'kept',
        budget: { amount: '2500.50', currencyCode: 'EUR' }, address: { line1: null, city: 'Lisbon', country: 'PT' },
        state: 'OPEN', statusReason: 'NEW', version: 2, nextFollowUpAt: due,
      },
    });
    // The merged timeline's newest item is the newest of all three leads'.
    const newest = (await s.db.query('select max(created_at) as t from (select created_at from note where lead_id = $1 union all select created_at from activity where lead_id = $1) x', [target])).rows[0].t;
    expect(out.lead.lastActivityAt).toBe(newest.toISOString());

    const rows = async (table: string, leadId: string) => (await s.db.query(`select id from "${table}" where lead_id = $1`, [leadId])).rows.length;
    expect([await rows('note', target), await rows('attachment', target), await rows('activity', target), await rows('stakeholder', target)]).toEqual([2, 1, 2, 1]);
    for (const source of [first, second]) {
      expect([await rows('note', source), await rows('attachment', source), await rows('activity', source)]).toEqual([0, 0, 0]);
    }
    // The note keeps its attachment, now on the target: readable through it and downloadable.
    const read = await s.gql(`query($id: ID!) { note(id: $id) { id attachment { fileName sizeBytes } } lead(id: "${target}") { timeline(first: 10) { totalCount } } }`, { id: note.id });
    expect(read.data).toEqual({ note: { id: note.id, attachment: { fileName: 'offer.pdf', sizeBytes: pdf.length } }, lead: { timeline: { totalCount: 4 } } });
    const download = await fetch(s.url.replace('/graphql', `/attachments/${note.attachment.id}`), { headers: { authorization: `Bearer ${s.users.sales.key}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
    expect((await s.db.query('select lead_id from activity where id = $1', [activity.id])).rows[0].lead_id).toBe(target);

    const sources = await s.gql(`query { a: lead(id: "${first}") { ...L } b: lead(id: "${second}") { ...L } }
      fragment L on Lead { state statusReason version lastActivityAt nextFollowUpAt mergedInto { id topic } }`, {}, { as: s.users.sales });
    const closed = { state: 'DISQUALIFIED', statusReason: 'CANCELED', version: 2, lastActivityAt: null, nextFollowUpAt: null, mergedInto: { id: target, topic: 'Target' } };
    expect(sources.data).toEqual({ a: closed, b: closed });
    const targetRead = await s.gql(`query { lead(id: "${target}") { mergedInto { id } } }`);
    expect(targetRead.data.lead.mergedInto).toBeNull();
  });

  test('history: MERGED on the target with the fields taken and the merged ids, MERGED_INTO on each source, which keeps its own trail', async () => {
    const target = await createLead(s, s.users.sales, 'History target');
    const source = await createLead(s, s.users.sales, 'History source');
    await s.gql(`mutation { updateLead(input: { id: "${source}", email: "src@history.example", jobTitle: "CTO" }) { userErrors { code } } }`, {}, { as: s.users.sales });
    const out = await merge({ targetId: target, sourceIds: [source], fieldWinners: [{ field: 'email', fromLeadId: source }, { field: 'jobTitle', fromLeadId: source }] }, s.users.sales);
    expect(out.userErrors).toEqual([]);

    const [merged, created] = await history(target);
    expect(created.action).toBe('CREATED');
    expect(merged).toEqual({
      action: 'MERGED', actor: { id: s.users.sales.id },
      changes: [
        { field: 'jobTitle', oldValue: null, newValue: 'CTO' },
        { field: 'email', oldValue: null, newValue: 'src@history.example' },
        { field: 'mergedLeadIds', oldValue: null, newValue: source },
      ],
    });
    const trail = await history(source);
    expect(trail.map((e) => e.action)).toEqual(['MERGED_INTO', 'UPDATED', 'CREATED']);
    expect(trail[0].changes).toEqual([
      { field: 'state', oldValue: 'OPEN', newValue: 'DISQUALIFIED' },
      { field: 'statusReason', oldValue: 'NEW', newValue: 'CANCELED' },
      { field: 'mergedInto', oldValue: null, newValue: target },
    ]);
    // Without winners the target's fields stay: MERGED names only the merged leads.
    const [t2, s2, s3] = await insertLeads(s, s.users.sales, [{ email: 'keep@x.example' }, { email: 'other@x.example' }, {}]);
    expect((await merge({ targetId: t2, sourceIds: [s2, s3] })).lead).toMatchObject({ email: 'keep@x.example', version: 2 });
    expect((await history(t2))[0].changes).toEqual([{ field: 'mergedLeadIds', oldValue: null, newValue: `${s2},${s3}` }]);
  });

  test('stakeholders: a contact on the target keeps the target\'s role; one on two sources comes from the source listed first; the rest stay on their source', async () => {
    const [target, a, b] = await insertLeads(s, s.users.manager, [{}, {}, {}]);
    const onTargetAndA = await stakeholder([[target, 'CHAMPION'], [a, 'END_USER']]);
    const onAAndB = await stakeholder([[a, 'DECISION_MAKER'], [b, 'INFLUENCER']]);
    const onBOnly = await stakeholder([[b, 'TECHNICAL_BUYER']]);
    const before = (await s.db.query('select id from stakeholder where lead_id = any($1)', [[target, a, b]])).rows.map((r) => r.id).sort();

    // b is listed first: its row for the shared contact wins.
    const out = await merge({ targetId: target, sourceIds: [b, a] }, s.users.manager);
    expect(out.movedStakeholders).toBe(2);
    const where = async (leadId: string) => (await s.db.query('select contact_id, role from stakeholder where lead_id = $1 order by role', [leadId])).rows;
    expect(await where(target)).toEqual(expect.arrayContaining([
      { contact_id: onTargetAndA, role: 'CHAMPION' }, { contact_id: onAAndB, role: 'INFLUENCER' }, { contact_id: onBOnly, role: 'TECHNICAL_BUYER' },
    ]));
    expect(await where(target)).toHaveLength(3);
    expect(await where(a)).toEqual([{ contact_id: onAAndB, role: 'DECISION_MAKER' }, { contact_id: onTargetAndA, role: 'END_USER' }]);
    expect(await where(b)).toEqual([]);
    // No row was lost or copied: the same stakeholder ids exist, each once.
    const after = (await s.db.query('select id from stakeholder where lead_id = any($1)', [[target, a, b]])).rows.map((r) => r.id).sort();
    expect(after).toEqual(before);
    const res = await s.gql(`query { lead(id: "${target}") { stakeholders { role contact { id } } } }`);
    expect(res.data.lead.stakeholders).toHaveLength(3);
  });

  test('input rules are VALIDATION with the input path, all reported at once, and nothing is written', async () => {
    const [t, a, b, c, d] = await insertLeads(s, s.users.sales, [{}, {}, {}, {}, {}]);
    const before = await snapshot([t, a, b, c, d]);
    expect(errors(await merge({ targetId: t, sourceIds: [] }))).toEqual([['VALIDATION', ['input', 'sourceIds']]]);
    expect(errors(await merge({ targetId: t, sourceIds: [a, b, c, d] }))).toEqual([['VALIDATION', ['input', 'sourceIds']]]);
    expect(errors(await merge({ targetId: t, sourceIds: [a, t, a.toUpperCase()] }))).toEqual([
      ['VALIDATION', ['input', 'sourceIds', '1']], ['VALIDATION', ['input', 'sourceIds', '2']],
    ]);
    const winners = await merge({
      targetId: t, sourceIds: [a],
      fieldWinners: [
        { field: 'email', fromLeadId: a }, { field: 'nickname', fromLeadId: a }, { field: 'email', fromLeadId: t },
        { field: 'rating', fromLeadId: b }, { field: 'ownerId', fromLeadId: a }, { field: 'state', fromLeadId: a },
      ],
    });
    expect(errors(winners)).toEqual([
      ['VALIDATION', ['input', 'fieldWinners', '1', 'field']], ['VALIDATION', ['input', 'fieldWinners', '2', 'field']],
      ['VALIDATION', ['input', 'fieldWinners', '3', 'fromLeadId']], ['VALIDATION', ['input', 'fieldWinners', '4', 'field']],
      ['VALIDATION', ['input', 'fieldWinners', '5', 'field']],
    ]);
    expect(winners.userErrors[0].message).toMatch(/nickname.*topic, firstName/);
    expect(winners).toMatchObject({ lead: null, mergedLeadIds: [], movedNotes: 0 });
    // Over the limit of every id list: refused as a whole before anything runs.
    const many = await s.gql(MERGE, { input: { targetId: t, sourceIds: Array.from({ length: 101 }, () => randomUUID()) } });
    expect(many.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await snapshot([t, a, b, c, d])).toEqual(before);
  });

  test('NOT_FOUND, FORBIDDEN and LEAD_NOT_OPEN for each lead with its path; nothing is written', async () => {
    const [mine, mine2] = await insertLeads(s, s.users.sales, [{}, {}]);
    const [theirs] = await insertLeads(s, s.users.sales2, [{}]);
    const [closed] = await insertLeads(s, s.users.sales, [{ state: 'DISQUALIFIED', status_reason: 'LOST' }]);
    const [qualified] = await insertLeads(s, s.users.manager, [{ state: 'QUALIFIED', status_reason: 'QUALIFIED' }]);
    const before = await snapshot([mine, mine2, theirs, closed, qualified]);

    const out = await merge({ targetId: mine, sourceIds: [randomUUID(), 'not-an-id', theirs] }, s.users.sales);
    expect(errors(out)).toEqual([['NOT_FOUND', ['input', 'sourceIds', '0']], ['NOT_FOUND', ['input', 'sourceIds', '1']], ['FORBIDDEN', ['input', 'sourceIds', '2']]]);
    expect(errors(await merge({ targetId: theirs, sourceIds: [mine] }, s.users.sales))).toEqual([['FORBIDDEN', ['input', 'targetId']]]);
    expect(errors(await merge({ targetId: mine, sourceIds: [closed, mine2] }, s.users.sales))).toEqual([['LEAD_NOT_OPEN', ['input', 'sourceIds', '0']]]);
    expect(errors(await merge({ targetId: qualified, sourceIds: [mine, theirs] }, s.users.manager))).toEqual([['LEAD_NOT_OPEN', ['input', 'targetId']]]);
    expect(errors(await merge({ targetId: randomUUID(), sourceIds: [mine] }, s.users.manager))).toEqual([['NOT_FOUND', ['input', 'targetId']]]);
    // A dry run checks the same.
    expect(errors(await merge({ targetId: mine, sourceIds: [theirs], dryRun: true }, s.users.sales))).toEqual([['FORBIDDEN', ['input', 'sourceIds', '0']]]);
    expect(await snapshot([mine, mine2, theirs, closed, qualified])).toEqual(before);
  });

  test('access: a PARTNER may not run it at all; a SALESPERSON merges its own leads; a MANAGER anyone\'s', async () => {
    const [p1, p2] = await Promise.all([createLead(s, s.users.partner, 'Partner one'), createLead(s, s.users.partner, 'Partner two')]);
    const partner = await s.gql(MERGE, { input: { targetId: p1, sourceIds: [p2] } }, { as: s.users.partner });
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(partner.data).toBeNull();
    expect((await s.db.query('select state from lead where id = any($1)', [[p1, p2]])).rows).toEqual([{ state: 'OPEN' }, { state: 'OPEN' }]);

    const [own, own2] = await insertLeads(s, s.users.sales, [{}, {}]);
    expect((await merge({ targetId: own, sourceIds: [own2] }, s.users.sales)).mergedLeadIds).toEqual([own2]);
    const [x] = await insertLeads(s, s.users.sales, [{}]);
    const [y] = await insertLeads(s, s.users.sales2, [{}]);
    expect(await merge({ targetId: x, sourceIds: [y] }, s.users.manager)).toMatchObject({ mergedLeadIds: [y], userErrors: [] });
    // The merged lead keeps its owner; its mergedInto is readable by everyone who reads it.
    const res = await s.gql(`query { lead(id: "${y}") { owner { id } mergedInto { id } } }`, {}, { as: s.users.sales2 });
    expect(res.data.lead).toEqual({ owner: { id: s.users.sales2.id }, mergedInto: { id: x } });
  });

  test('dryRun returns the merged lead as it would be, with the counts, and writes nothing', async () => {
    const [target, source] = await insertLeads(s, s.users.sales, [{ topic: 'Dry target', email: 't@dry.example' }, { topic: 'Dry source', email: 's@dry.example' }]);
    await addNote(s, s.users.sales, { leadId: source, text: 'n1' });
    await addNote(s, s.users.sales, { leadId: source, text: 'n2', attachment: { fileName: 'a.txt', mimeType: 'text/plain', contentBase64: Buffer.from('hi').toString('base64') } });
    const due = new Date(Date.now() + 3_600_000).toISOString();
    await logActivity(s, s.users.sales, { leadId: source, kind: 'TASK', subject: 'Do it', dueAt: due });
    await stakeholder([[source, 'CHAMPION']]);
    const input = { targetId: target, sourceIds: [source], fieldWinners: [{ field: 'email', fromLeadId: source }] };
    const before = await snapshot([target, source]);

    const dry = await merge({ ...input, dryRun: true }, s.users.sales);
    expect(await snapshot([target, source])).toEqual(before);
    expect(dry).toMatchObject({
      dryRun: true, mergedLeadIds: [source], movedNotes: 2, movedActivities: 1, movedStakeholders: 1, userErrors: [],
      lead: { id: target, topic: 'Dry target', email: 's@dry.example', version: 2, state: 'OPEN', nextFollowUpAt: due },
    });
    expect(dry.lead.lastActivityAt).not.toBeNull();

    const real = await merge(input, s.users.sales);
    expect(real).toEqual({ ...dry, dryRun: false });
  });

  test('the number of SQL statements does not depend on how many notes, activities and stakeholders move', async () => {
    const count = async (n: number) => {
      const [target, a, b] = await insertLeads(s, s.users.sales, [{}, {}, {}]);
      for (const source of [a, b]) {
        await s.db.query(`insert into note (id, lead_id, text, author_id, created_at) select gen_random_uuid(), $1, 'n', $2, now() from generate_series(1, $3)`, [source, s.users.sales.id, n]);
        await s.db.query(`insert into activity (id, lead_id, kind, subject, status, owner_id, created_at) select gen_random_uuid(), $1, 'TASK', 't', 'OPEN', $2, now() from generate_series(1, $3)`, [source, s.users.sales.id, n]);
        await s.db.query(`with c as (insert into contact (id, last_name, created_at) select gen_random_uuid(), 'C', now() from generate_series(1, $2) returning id)
          insert into stakeholder (id, lead_id, contact_id, role, created_at) select gen_random_uuid(), $1, id, 'STAKEHOLDER', now() from c`, [source, n]);
      }
      s.resetSql();
      const out = await merge({ targetId: target, sourceIds: [a, b], fieldWinners: [{ field: 'topic', fromLeadId: b }] }, s.users.sales);
      expect(out).toMatchObject({ movedNotes: 2 * n, movedActivities: 2 * n, movedStakeholders: 2 * n, userErrors: [] });
      const sql = s.sql.filter((q) => !/api_key/.test(q));
      return { statements: dataStatements(sql).length, all: sql.length };
    };
    const small = await count(1);
    const large = await count(20);
    expect(large).toEqual(small);
    // The locked leads; the one statement moving the timeline and stakeholders; the target's
    // update and history entry; the sources' update and history entries.
    expect(small.statements).toBe(6);
  });
});

describe('mergeLeads racing qualifyLeads and other merges', () => {
  test('overlapping merges and qualifications: nothing lost or duplicated, no lead both qualified and merged, no deadlock', async () => {
    for (let round = 0; round < 3; round++) {
      const ids = await insertLeads(s, s.users.manager, Array.from({ length: 12 }, (_, i) => ({
        company_name: `Race ${round} ${i % 3}`, email: `race.${round}.${i % 4}@x.example`,
      })));
      // Every lead has notes (one with an attachment), activities and stakeholders; some contacts are on several leads.
      const shared = randomUUID();
      await s.db.query("insert into contact (id, last_name, created_at) values ($1, 'Shared', now())", [shared]);
      for (const [i, id] of ids.entries()) {
        await s.db.query(`insert into note (id, lead_id, text, author_id, created_at) select gen_random_uuid(), $1, 'n', $2, now() from generate_series(1, 3)`, [id, s.users.manager.id]);
        await s.db.query(`insert into attachment (id, note_id, lead_id, file_name, mime_type, size_bytes, sha256, content, created_at)
          select gen_random_uuid(), n.id, n.lead_id, 'f.txt', 'text/plain', 1, repeat('0', 64), 'x'::bytea, now() from note n where n.lead_id = $1 limit 1`, [id]);
        await s.db.query(`insert into activity (id, lead_id, kind, subject, status, owner_id, created_at) select gen_random_uuid(), $1, 'TASK', 't', 'OPEN', $2, now() from generate_series(1, 2)`, [id, s.users.manager.id]);
        await stakeholder([[id, 'CHAMPION']]);
        if (i % 2 === 0) await s.db.query("insert into stakeholder (id, lead_id, contact_id, role, created_at) values (gen_random_uuid(), $1, $2, 'END_USER', now())", [id, shared]);
      }
      const items = async () => {
        const out: Record<string, string[]> = {};
        for (const t of ['note', 'attachment', 'activity']) out[t] = (await s.db.query(`select id from "${t}" where lead_id = any($1) order by id`, [ids])).rows.map((r) => r.id);
        out.stakeholder = (await s.db.query('select id from stakeholder where lead_id = any($1) order by id', [ids])).rows.map((r) => r.id);
        return out;
      };
      const before = await items();

      // Merges in both directions over overlapping leads, and qualifications of overlapping sets, all at once.
      const merges: [number, number[]][] = [[0, [1, 2]], [2, [0, 3]], [3, [4]], [5, [4, 6, 7]], [7, [5]], [8, [9, 10]], [10, [11, 8]], [11, [1, 6]], [6, [3, 9]]];
      const qualifies = [[1, 4, 8], [2, 5, 11], [0, 9], [7, 3, 10], [6]];
      const calls = [
        ...merges.map(([t, src]) => s.gql(MERGE, { input: { targetId: ids[t], sourceIds: src.map((i) => ids[i]) } })
          .then((res) => ({ kind: 'merge' as const, target: ids[t], res }))),
        ...qualifies.map((set) => s.gql(QUALIFY, { input: { leadIds: set.map((i) => ids[i]), currencyCode: 'USD' } })
          .then((res) => ({ kind: 'qualify' as const, target: null, res }))),
      ];
      const results = await Promise.all(calls);
      for (const { res } of results) expect(res.errors).toBeUndefined();
      const merged = results.filter((r) => r.kind === 'merge' && !r.res.data.mergeLeads.userErrors.length);
      const refusedMerges = results.filter((r) => r.kind === 'merge' && r.res.data.mergeLeads.userErrors.length);
      // A merge that lost a race found a lead closed by another call, and nothing else.
      for (const r of refusedMerges) {
        for (const e of r.res.data.mergeLeads.userErrors) expect(e.code).toBe('LEAD_NOT_OPEN');
      }
      expect(merged.length).toBeGreaterThan(0);
      // The first two merges close a lead of each other: whichever runs second must lose.
      expect(refusedMerges.length).toBeGreaterThan(0);

      // Every item that existed exists exactly once, still on one of these leads.
      expect(await items()).toEqual(before);
      // An attachment is on its note's lead.
      expect((await s.db.query('select count(*)::int as n from attachment a join note n on n.id = a.note_id where a.lead_id <> n.lead_id')).rows[0].n).toBe(0);
      const leads = (await s.db.query('select id, state, status_reason, merged_into_id from lead where id = any($1)', [ids])).rows;
      for (const lead of leads) {
        if (lead.merged_into_id) expect([lead.state, lead.status_reason]).toEqual(['DISQUALIFIED', 'CANCELED']);
        else expect(['OPEN', 'QUALIFIED']).toContain(lead.state);
      }
      // A merged lead keeps no timeline: everything went to its target.
      const mergedIds = leads.filter((l) => l.merged_into_id).map((l) => l.id);
      expect((await s.db.query('select count(*)::int as n from (select lead_id from note union all select lead_id from activity) x where lead_id = any($1)', [mergedIds])).rows[0].n).toBe(0);
      // What the successful merges reported is what the database says.
      for (const r of merged) {
        for (const id of r.res.data.mergeLeads.mergedLeadIds) expect(leads.find((l) => l.id === id)?.merged_into_id).toBe(r.target);
      }
      expect(mergedIds.length).toBe(merged.reduce((n, r) => n + r.res.data.mergeLeads.mergedLeadIds.length, 0));
      // At most one opportunity per lead, and only for qualified leads.
      const opportunities = (await s.db.query('select originating_lead_id as id, count(*)::int as n from opportunity where originating_lead_id = any($1) group by 1', [ids])).rows;
      for (const o of opportunities) {
        expect(o.n).toBe(1);
        expect(leads.find((l) => l.id === o.id)?.state).toBe('QUALIFIED');
      }
      expect(opportunities.length).toBe(leads.filter((l) => l.state === 'QUALIFIED').length);
    }
  });
});
