import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from './support/server';
import { addNote, bytes, count, createLead } from './support/timeline';

let s: TestServer;
let leadId: string;
beforeAll(async () => {
  s = await startTestServer();
  leadId = await createLead(s, s.users.sales);
});
afterAll(async () => { await s?.stop(); });

const MiB = 1024 * 1024;
const download = (id: string, key?: string | null, headers: Record<string, string> = {}) =>
  fetch(s.url.replace(/\/graphql$/, `/attachments/${id}`), { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

describe('a 1.5 MiB attachment', () => {
  const content = bytes(1.5 * MiB, 7);
  const fileName = 'Angebot – Müller (v2)*.pdf';
  let note: any;

  beforeAll(async () => {
    const res = await addNote(s, s.users.sales, {
      leadId, text: 'Signed offer attached', attachment: { fileName, mimeType: 'application/pdf', contentBase64: content.toString('base64') },
    });
    expect(res.userErrors).toEqual([]);
    note = res.note;
  });

  test('is described by the payload', () => {
    expect(note.attachment).toEqual({
      id: expect.any(String), fileName, mimeType: 'application/pdf', sizeBytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
  });

  test('round-trips byte for byte through GraphQL', async () => {
    const res = await s.gql(`query($id: ID!) { note(id: $id) { attachment { sizeBytes contentBase64 } } }`, { id: note.id }, { as: s.users.sales2 });
    expect(res.errors).toBeUndefined();
    const back = Buffer.from(res.data.note.attachment.contentBase64, 'base64');
    expect(back.length).toBe(content.length);
    expect(back.equals(content)).toBe(true);
  });

  test('round-trips byte for byte through GET /attachments/:id, with download headers', async () => {
    const res = await download(note.attachment.id, s.users.manager.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Angebot _ M_ller (v2)*.pdf"; filename*=UTF-8''Angebot%20%E2%80%93%20M%C3%BCller%20%28v2%29%2A.pdf`);
    const back = Buffer.from(await res.arrayBuffer());
    expect(back.equals(content)).toBe(true);
  });
});

test('2 MiB is accepted; 2 MiB + 1 byte is refused with nothing stored', async () => {
  const lead = await createLead(s, s.users.sales, 'Size limits');
  const exact = await addNote(s, s.users.sales, {
    leadId: lead, text: 'exactly 2 MiB', attachment: { fileName: 'a.bin', mimeType: 'application/octet-stream', contentBase64: bytes(2 * MiB).toString('base64') },
  });
  expect(exact.userErrors).toEqual([]);
  expect(exact.note.attachment.sizeBytes).toBe(2 * MiB);

  const before = { notes: await count(s, 'note', lead), attachments: await count(s, 'attachment', lead), audit: await count(s, 'audit_entry', lead) };
  const over = await addNote(s, s.users.sales, {
    leadId: lead, text: 'one byte too many', attachment: { fileName: 'b.bin', mimeType: 'application/octet-stream', contentBase64: bytes(2 * MiB + 1).toString('base64') },
  });
  expect(over.note).toBeNull();
  expect(over.userErrors).toEqual([{ code: 'VALIDATION', message: expect.stringContaining('2097153 bytes'), field: ['input', 'attachment', 'contentBase64'] }]);
  expect({ notes: await count(s, 'note', lead), attachments: await count(s, 'attachment', lead), audit: await count(s, 'audit_entry', lead) }).toEqual(before);
});

describe('GET /attachments/:id access', () => {
  let partnerLead: string;
  let partnerAttachment: string;
  let staffAttachment: string;

  beforeAll(async () => {
    partnerLead = await createLead(s, s.users.partner, 'Partner lead');
    const a = await addNote(s, s.users.manager, {
      leadId: partnerLead, text: 'on a partner lead', attachment: { fileName: 'p.txt', mimeType: 'text/plain; charset=utf-8', contentBase64: Buffer.from('hello partner').toString('base64') },
    });
    partnerAttachment = a.note.attachment.id;
    const b = await addNote(s, s.users.sales, {
      leadId, text: 'staff only', attachment: { fileName: 's.txt', mimeType: 'text/plain', contentBase64: Buffer.from('staff').toString('base64') },
    });
    staffAttachment = b.note.attachment.id;
  });

  test('staff download the attachments of a partner\'s lead with the media type as uploaded; the partner does not', async () => {
    const res = await download(partnerAttachment, s.users.manager.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('hello partner');
    const plain = await download(staffAttachment, s.users.manager.key);
    expect(plain.headers.get('content-type')).toBe('text/plain');
    expect((await download(partnerAttachment, s.users.partner.key)).status).toBe(404);
  });

  test('anything a caller may not see is a 404 exactly like a missing or malformed id', async () => {
    // The same request id for all four, so that the bodies may be compared byte for byte.
    const same = { 'x-request-id': 'probe' };
    const missing = await download('00000000-0000-4000-8000-000000000000', s.users.admin.key, same);
    const malformed = await download('not-a-uuid', s.users.admin.key, same);
    const otherPartner = await download(partnerAttachment, s.users.partner2.key, same);
    const staffOnly = await download(staffAttachment, s.users.partner.key, same);
    const bodies = [];
    for (const res of [missing, malformed, otherPartner, staffOnly]) {
      expect(res.status).toBe(404);
      bodies.push(await res.text());
    }
    expect(new Set(bodies).size).toBe(1);
  });

  test('no key (even from a browser) or a wrong key is a 401 with the same body as /graphql', async () => {
    const graphql = await s.gql('{ me { id } }', undefined, { as: null });
    expect(graphql.status).toBe(401);
    const strip = (body: any) => ({ errors: body.errors.map((e: any) => ({ ...e, extensions: { ...e.extensions, requestId: undefined } })) });
    for (const res of [
      await download(staffAttachment, null),
      await download(staffAttachment, null, { accept: 'text/html' }),
      await download(staffAttachment, 'wrong-key'),
    ]) {
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.errors[0].extensions.requestId).toEqual(expect.any(String));
      expect(strip(body)).toEqual(strip({ errors: graphql.errors }));
    }
  });

  test('the Sandbox landing page still opens without a key', async () => {
    const res = await fetch(s.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
  });
});
