import { startTestServer, type TestServer } from './support/server';
import { ADD_NOTE, addNote, count, createLead, lifecycle, logActivity, NOTE_FIELDS } from './support/timeline';

let s: TestServer;
let leadId: string;
beforeAll(async () => {
  s = await startTestServer();
  leadId = await createLead(s, s.users.sales);
});
afterAll(async () => { await s?.stop(); });

const NOTE = `query($id: ID!) { note(id: $id) { ${NOTE_FIELDS} } }`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const leadVersion = async (id: string) => (await s.db.query('select version from lead where id = $1', [id])).rows[0].version;

test('addNote stores the note with its author, writes NOTE_ADDED and leaves the lead version alone', async () => {
  const version = await leadVersion(leadId);
  const { note, userErrors } = await addNote(s, s.users.sales, { leadId, text: '  Called: wants a demo\nnext week  ' });
  expect(userErrors).toEqual([]);
  expect(note).toEqual({
    id: expect.any(String), text: '  Called: wants a demo\nnext week  ', createdAt: expect.any(String),
    author: { id: s.users.sales.id, name: 'sales' }, attachment: null,
  });
  expect(await leadVersion(leadId)).toBe(version);
  const audit = await s.db.query(`select action, actor_id, changes from audit_entry where entity_id = $1 and action = 'NOTE_ADDED'`, [leadId]);
  expect(audit.rows).toEqual([{
    action: 'NOTE_ADDED', actor_id: s.users.sales.id,
    changes: [{ field: 'noteId', oldValue: null, newValue: note.id }, { field: 'text', oldValue: null, newValue: note.text }],
  }]);
  const read = await s.gql(NOTE, { id: note.id }, { as: s.users.sales2 });
  expect(read.data.note).toEqual(note);
});

test('the audit entry names the attachment', async () => {
  const { note } = await addNote(s, s.users.sales, { leadId, text: 'with file', attachment: { fileName: 'deck.pdf', mimeType: 'application/pdf', contentBase64: b64('%PDF') } });
  const audit = await s.db.query(`select changes from audit_entry where entity_id = $1 and changes @> $2::jsonb`,
    [leadId, JSON.stringify([{ field: 'noteId', newValue: note.id }])]);
  expect(audit.rows[0].changes).toContainEqual({ field: 'attachment', oldValue: null, newValue: 'deck.pdf' });
});

describe('validation writes nothing', () => {
  const attachment = (over: Record<string, unknown>) => ({ fileName: 'a.txt', mimeType: 'text/plain', contentBase64: b64('hi'), ...over });
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['blank text', { text: ' \n\t ' }, ['input', 'text']],
    ['text over 10000 characters', { text: 'x'.repeat(10_001) }, ['input', 'text']],
    ['white space in base64', { attachment: attachment({ contentBase64: 'aGVs bG8=' }) }, ['input', 'attachment', 'contentBase64']],
    ['line breaks in base64', { attachment: attachment({ contentBase64: 'aGVs\nbG8=' }) }, ['input', 'attachment', 'contentBase64']],
    ['characters outside base64', { attachment: attachment({ contentBase64: 'aGVs!G8=' }) }, ['input', 'attachment', 'contentBase64']],
    ['the URL-safe alphabet', { attachment: attachment({ contentBase64: '-_-_' }) }, ['input', 'attachment', 'contentBase64']],
    ['missing padding', { attachment: attachment({ contentBase64: 'aGVsbG8' }) }, ['input', 'attachment', 'contentBase64']],
    ['too much padding', { attachment: attachment({ contentBase64: 'aGVsbA===' }) }, ['input', 'attachment', 'contentBase64']],
    ['non-zero padding bits', { attachment: attachment({ contentBase64: 'QR==' }) }, ['input', 'attachment', 'contentBase64']],
    ['an empty file', { attachment: attachment({ contentBase64: '' }) }, ['input', 'attachment', 'contentBase64']],
    ['a mimeType without subtype', { attachment: attachment({ mimeType: 'pdf' }) }, ['input', 'attachment', 'mimeType']],
    ['a mimeType with spaces', { attachment: attachment({ mimeType: 'text/ plain' }) }, ['input', 'attachment', 'mimeType']],
    ['a mimeType with a line break', { attachment: attachment({ mimeType: 'text/plain\r\nX-Evil: 1' }) }, ['input', 'attachment', 'mimeType']],
    ['a path in fileName', { attachment: attachment({ fileName: '../etc/passwd' }) }, ['input', 'attachment', 'fileName']],
    ['a backslash in fileName', { attachment: attachment({ fileName: 'C:\\x.txt' }) }, ['input', 'attachment', 'fileName']],
    ['a control character in fileName', { attachment: attachment({ fileName: 'a\u0000.txt' }) }, ['input', 'attachment', 'fileName']],
    ['a blank fileName', { attachment: attachment({ fileName: '  ' }) }, ['input', 'attachment', 'fileName']],
    ['a fileName over 255 characters', { attachment: attachment({ fileName: `${'é'.repeat(252)}.txt` }) }, ['input', 'attachment', 'fileName']],
  ];

  test.each(cases)('%s is VALIDATION', async (_name, over, field) => {
    const before = [await count(s, 'note', leadId), await count(s, 'attachment', leadId), await count(s, 'audit_entry', leadId)];
    const res = await addNote(s, s.users.sales, { leadId, text: 'valid text', ...over });
    expect(res.note).toBeNull();
    expect(res.userErrors).toEqual([{ code: 'VALIDATION', message: expect.any(String), field }]);
    expect([await count(s, 'note', leadId), await count(s, 'attachment', leadId), await count(s, 'audit_entry', leadId)]).toEqual(before);
  });

  test('the limits themselves are allowed', async () => {
    const res = await addNote(s, s.users.sales, {
      leadId, text: 'x'.repeat(10_000),
      attachment: { fileName: `${'é'.repeat(251)}.txt`, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', contentBase64: 'AA==' },
    });
    expect(res.userErrors).toEqual([]);
    expect(res.note.attachment.sizeBytes).toBe(1);
  });
});

describe('who may add notes', () => {
  test('unknown or malformed lead ids are NOT_FOUND', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await addNote(s, s.users.admin, { leadId: id, text: 'x' });
      expect(res.userErrors).toEqual([{ code: 'NOT_FOUND', message: 'Lead not found', field: ['input', 'leadId'] }]);
    }
  });

  test('a PARTNER may not run addNote at all', async () => {
    const own = await createLead(s, s.users.partner, 'Partner lead');
    const res = await s.gql(ADD_NOTE, { input: { leadId: own, text: 'x' } }, { as: s.users.partner });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(s, 'note', own)).toBe(0);
  });

  test('a SALESPERSON writes its own leads only; MANAGER and ADMIN any', async () => {
    const res = await addNote(s, s.users.sales2, { leadId, text: 'x' });
    expect(res.userErrors).toEqual([{ code: 'FORBIDDEN', message: expect.any(String), field: ['input', 'leadId'] }]);
    expect((await addNote(s, s.users.manager, { leadId, text: 'from the manager' })).userErrors).toEqual([]);
    expect((await addNote(s, s.users.admin, { leadId, text: 'from the admin' })).userErrors).toEqual([]);
  });
});

describe('note(id)', () => {
  test('is null when missing or malformed, and always for a PARTNER, even on its own lead', async () => {
    const partnerLead = await createLead(s, s.users.partner, 'Partner lead 2');
    const { note } = await addNote(s, s.users.manager, { leadId: partnerLead, text: 'internal: partner cannot read this' });
    const staffNote = (await addNote(s, s.users.sales, { leadId, text: 'staff note' })).note;

    expect((await s.gql(NOTE, { id: note.id }, { as: s.users.manager })).data.note.text).toBe('internal: partner cannot read this');
    expect((await s.gql(NOTE, { id: note.id }, { as: s.users.partner })).data.note).toBeNull();
    const timeline = await s.gql('query($id: ID!) { lead(id: $id) { id timeline { totalCount nodes { __typename } } } }', { id: partnerLead }, { as: s.users.partner });
    expect(timeline.data.lead).toEqual({ id: partnerLead, timeline: { totalCount: 0, nodes: [] } });
    expect((await s.gql(NOTE, { id: note.id }, { as: s.users.partner2 })).data.note).toBeNull();
    expect((await s.gql(NOTE, { id: staffNote.id }, { as: s.users.partner })).data.note).toBeNull();
    expect((await s.gql(NOTE, { id: '00000000-0000-4000-8000-000000000000' })).data.note).toBeNull();
    expect((await s.gql(NOTE, { id: 'x' })).data.note).toBeNull();
  });
});

describe('the lead lifecycle', () => {
  const TIMELINE = `query($id: ID!) { lead(id: $id) { state timeline(first: 100) { totalCount nodes {
    ... on Note { id text attachment { id sizeBytes } } ... on Activity { id subject } } } } }`;

  async function seed(topic: string) {
    const id = await createLead(s, s.users.sales, topic);
    const n1 = (await addNote(s, s.users.sales, { leadId: id, text: 'first', attachment: { fileName: 'f.bin', mimeType: 'application/octet-stream', contentBase64: b64('bytes one') } })).note;
    const n2 = (await addNote(s, s.users.sales, { leadId: id, text: 'second' })).note;
    const a1 = (await logActivity(s, s.users.sales, { leadId: id, kind: 'PHONE_CALL', subject: 'Intro call' })).activity;
    const before = (await s.gql(TIMELINE, { id })).data.lead.timeline;
    expect(before.totalCount).toBe(3);
    return { id, n1, n2, a1, before };
  }

  test('a qualified lead keeps its notes, is read-only, and its opportunity gets none of them', async () => {
    const { id, n1, before } = await seed('Qualify me');
    await lifecycle(s, id, 'qualify');
    const after = (await s.gql(TIMELINE, { id })).data.lead;
    expect(after.state).toBe('QUALIFIED');
    expect(after.timeline).toEqual(before);
    expect((await s.gql(NOTE, { id: n1.id })).data.note.id).toBe(n1.id);

    const res = await addNote(s, s.users.sales, { leadId: id, text: 'too late' });
    expect(res.userErrors).toEqual([{ code: 'LEAD_NOT_OPEN', message: expect.stringContaining('QUALIFIED'), field: ['input', 'leadId'] }]);
    const act = await logActivity(s, s.users.sales, { leadId: id, kind: 'EMAIL', subject: 'too late' });
    expect(act.userErrors.map((e: any) => e.code)).toEqual(['LEAD_NOT_OPEN']);

    // Notes and activities belong to the lead alone: no Opportunity field reaches them.
    const type = await s.gql(`{ __type(name: "Opportunity") { fields { name type { name ofType { name ofType { name ofType { name } } } } } } }`);
    const names = JSON.stringify(type.data.__type?.fields ?? []);
    expect(names).not.toMatch(/"(Note|Activity|TimelineItem|TimelineConnection|Attachment)"/);
    expect(await count(s, 'note', id)).toBe(2);
  });

  test('disqualify → reactivate keeps every note and attachment, and the lead takes notes again', async () => {
    const { id, n1, before } = await seed('Disqualify me');
    await lifecycle(s, id, 'disqualify');
    expect((await addNote(s, s.users.sales, { leadId: id, text: 'closed' })).userErrors.map((e: any) => e.code)).toEqual(['LEAD_NOT_OPEN']);
    expect((await s.gql(TIMELINE, { id })).data.lead.timeline).toEqual(before);
    await lifecycle(s, id, 'reactivate');
    const after = (await s.gql(TIMELINE, { id })).data.lead;
    expect(after.state).toBe('OPEN');
    expect(after.timeline).toEqual(before);
    const content = await s.gql(`query($id: ID!) { note(id: $id) { attachment { contentBase64 } } }`, { id: n1.id });
    expect(Buffer.from(content.data.note.attachment.contentBase64, 'base64').toString()).toBe('bytes one');
    expect((await addNote(s, s.users.sales, { leadId: id, text: 'open again' })).userErrors).toEqual([]);
  });

  test('deleting the lead removes its notes, attachments and activities', async () => {
    const { id, n1, n2, a1 } = await seed('Delete me');
    await lifecycle(s, id, 'delete');
    expect((await s.gql(NOTE, { id: n1.id })).data.note).toBeNull();
    expect((await s.gql(NOTE, { id: n2.id })).data.note).toBeNull();
    const download = await fetch(s.url.replace(/\/graphql$/, `/attachments/${n1.attachment.id}`), { headers: { authorization: `Bearer ${s.users.admin.key}` } });
    expect(download.status).toBe(404);
    expect(await count(s, 'attachment', id)).toBe(0);
    expect((await s.db.query('select count(*)::int as n from activity where id = $1', [a1.id])).rows[0].n).toBe(0);
  });
});
