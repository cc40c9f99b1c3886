import type { EntityManager } from '@mikro-orm/postgresql';
import { readsLeadsOnly } from '../access/policy';
import { isUuid } from '../common/ids';
import { requestLoader } from '../common/loaders';
import { RowReader, type Readable, type Row } from '../common/rows';
import { readRows } from '../common/sql';
import type { Context } from '../context';
import type { User } from '../users/user.entity';
import { Attachment } from './attachment.entity';

export const attachmentRows = new RowReader(Attachment);

/**
 * The attachment of a note, or null; the notes of one response share one query. The file bodies
 * (a lazy property, which rows leave out) are not read here.
 */
export function attachmentOfNote(ctx: Context, noteId: string): Promise<Row<Attachment> | null> {
  return requestLoader<string, Row<Attachment> | null>(ctx, 'attachment-of-note', async (noteIds) => {
    const { em } = ctx;
    const found = attachmentRows.finish(em, await readRows(em,
      `select ${attachmentRows.columns(em, 'a')} from "${attachmentRows.table(em)}" a where a.note_id = any(?::uuid[])`, [[...noteIds]]));
    const byNote = new Map(found.map((a) => [a.note, a]));
    return noteIds.map((id) => byNote.get(id) ?? null);
  }, { batchScheduleFn: (dispatch) => setImmediate(dispatch) }).load(noteId);
}

/** The bytes of an attachment, read only when they are asked for (batched per response). */
export async function attachmentContent(ctx: Context, attachment: Readable<Attachment>): Promise<Buffer> {
  if (attachment.content) return attachment.content;
  return requestLoader<string, Buffer>(ctx, 'attachment-content', async (ids) => {
    const rows = await readRows<{ id: string; content: Buffer }>(ctx.em, 'select id, content from attachment where id = any(?::uuid[])', [[...ids]]);
    const byId = new Map(rows.map((r) => [r.id, r.content]));
    return ids.map((id) => byId.get(id) ?? new Error(`attachment ${id} has gone`));
  }).load(attachment.id);
}

export interface StoredFile { fileName: string; mimeType: string; sizeBytes: number; content: Buffer }

/**
 * An attachment with its bytes, when the caller may read timelines (a PARTNER reads leads,
 * not their timelines). Anything else is null, exactly like a missing id.
 */
export async function findVisibleFile(em: EntityManager, actor: User, id: string): Promise<StoredFile | null> {
  if (!isUuid(id) || readsLeadsOnly(actor)) return null;
  const rows = await em.execute<{ file_name: string; mime_type: string; size_bytes: number; content: Buffer }[]>(em.getKnex().raw(
    'select a.file_name, a.mime_type, a.size_bytes, a.content from attachment a where a.id = ?', [id] as never[]));
  const row = rows[0];
  return row ? { fileName: row.file_name, mimeType: row.mime_type, sizeBytes: row.size_bytes, content: row.content } : null;
}
