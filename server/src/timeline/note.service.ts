import type { EntityManager } from '@mikro-orm/postgresql';
import { canEditNote } from '../access/policy';
import { fieldChange, recordAudit } from '../audit/audit.service';
import { LeadState, UserErrorCode } from '../common/enums';
import { notFound, userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { lockLeadForWrite } from '../leads/lead.access';
import type { Lead } from '../leads/lead.entity';
import { validateInput } from '../common/validation';
import { User } from '../users/user.entity';
import { decodeContent } from './attachment.content';
import { Attachment } from './attachment.entity';
import type { AddNoteInput, AttachmentInput, DeleteNoteInput, UpdateNoteInput } from './note.inputs';
import { refreshLeadActivity } from './lead-activity';
import { Note } from './note.entity';
import { lockOpenLead } from './timeline.access';

export interface NoteResult { note: Note | null; userErrors: UserError[] }

/**
 * Adds a note by `author` (and its attachment, when given) to `lead`, with its NOTE_ADDED
 * entry and the lead's lastActivityAt, to the unit of work of `em`: the caller's transaction
 * holds the lead's row lock, has decided that the note may be added, and flushes.
 */
export function appendNote(em: EntityManager, author: User, lead: Lead, text: string, attachment?: AttachmentInput | null): Note {
  const note = em.create(Note, { lead, text, author: em.getReference(User, author.id) });
  const changes = [fieldChange('noteId', null, note.id), fieldChange('text', null, note.text)];
  if (attachment) {
    const { bytes, sha256 } = decodeContent(attachment.contentBase64);
    const file = em.create(Attachment, {
      note, lead, fileName: attachment.fileName, mimeType: attachment.mimeType,
      sizeBytes: bytes.length, sha256, content: bytes, createdAt: note.createdAt,
    });
    changes.push(fieldChange('attachment', null, file.fileName));
  }
  recordAudit(em, { entityType: 'Lead', entityId: lead.id, action: 'NOTE_ADDED', actor: author, changes, at: note.createdAt });
  // The lead's lastActivityAt is current under this lock, and a note added now is the newest.
  lead.lastActivityAt = note.createdAt;
  return note;
}

export class NoteService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  /**
   * Adds a note, and its attachment when given, to an open lead the caller may write. The note,
   * the attachment and the NOTE_ADDED audit entry are one transaction: an attachment that fails
   * validation leaves no note behind. The lead's own fields do not change, so neither does its
   * version.
   */
  async addNote(input: AddNoteInput): Promise<NoteResult> {
    const errors = await validateInput(input);
    if (errors.length) return { note: null, userErrors: errors };
    const actor = this.actor;
    return this.em.transactional(async (em) => {
      const found = await lockOpenLead(em, actor, input.leadId, ['input', 'leadId']);
      if (found.error) return { note: null, userErrors: [found.error] };
      const note = appendNote(em, actor, found.lead, input.text, input.attachment);
      await em.flush();
      return { note, userErrors: [] };
    });
  }

  /**
   * Replaces a note's text. For its author, MANAGER and ADMIN (FORBIDDEN otherwise), on an OPEN
   * lead. Editing a note is not working the lead: lastActivityAt stays. The same text changes
   * nothing and writes nothing.
   */
  async updateNote(input: UpdateNoteInput): Promise<NoteResult> {
    const errors = await validateInput(input);
    if (errors.length) return { note: null, userErrors: errors };
    return this.changeNote(input.noteId, async (em, note, lead) => {
      if (note.text === input.text) return null;
      recordAudit(em, {
        entityType: 'Lead', entityId: lead.id, action: 'NOTE_UPDATED', actor: this.actor,
        changes: [fieldChange('noteId', note.id, note.id), fieldChange('text', note.text, input.text)],
      });
      note.text = input.text;
      return null;
    });
  }

  /**
   * Deletes a note and its attachment (the database cascades the file), with the same rules as
   * updateNote. The lead's lastActivityAt is recomputed from what remains of its timeline.
   */
  async deleteNote(input: DeleteNoteInput): Promise<{ deletedNoteId: string | null; userErrors: UserError[] }> {
    const result = await this.changeNote(input.noteId, async (em, note, lead) => {
      const [file] = await em.execute<{ file_name: string }[]>('select file_name from attachment where note_id = ?', [note.id]);
      recordAudit(em, {
        entityType: 'Lead', entityId: lead.id, action: 'NOTE_DELETED', actor: this.actor,
        changes: [
          fieldChange('noteId', note.id, null), fieldChange('text', note.text, null),
          ...(file ? [fieldChange('attachment', file.file_name, null)] : []),
        ],
      });
      em.remove(note);
      await refreshLeadActivity(em, lead);
      return null;
    });
    return { deletedNoteId: result.note?.id ?? null, userErrors: result.userErrors };
  }

  /**
   * A note change: the note's lead locked (NOT_FOUND when the note or its lead is not visible,
   * FORBIDDEN when the lead is not the caller's to write), the note the caller's to edit
   * (FORBIDDEN), the lead OPEN (LEAD_NOT_OPEN), then the change with its audit entry, one transaction.
   */
  private async changeNote(noteId: string, apply: (em: EntityManager, note: Note, lead: Lead) => Promise<UserError | null>): Promise<NoteResult> {
    const actor = this.actor;
    const field = ['input', 'noteId'];
    return this.em.transactional(async (em) => {
      const seen = isUuid(noteId) ? await em.findOne(Note, { id: noteId }) : null;
      if (!seen) return { note: null, userErrors: [notFound('Note', field)] };
      const found = await lockLeadForWrite(em, actor, seen.lead.id, field);
      if (found.error) {
        const error = found.error.code === UserErrorCode.NOT_FOUND ? notFound('Note', field) : found.error;
        return { note: null, userErrors: [error] };
      }
      // Read again under the lead's lock: a concurrent change of the note has finished by now.
      const note = await em.findOne(Note, { id: seen.id }, { refresh: true });
      if (!note) return { note: null, userErrors: [notFound('Note', field)] };
      if (!canEditNote(actor, found.lead, note)) {
        return { note: null, userErrors: [userError(UserErrorCode.FORBIDDEN, 'Only its author, a MANAGER or an ADMIN may change a note', field)] };
      }
      if (found.lead.state !== LeadState.OPEN) {
        return { note: null, userErrors: [userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${found.lead.state}; reactivate it before changing its timeline`, field)] };
      }
      const refused = await apply(em, note, found.lead);
      if (refused) return { note: null, userErrors: [refused] };
      await em.flush();
      return { note, userErrors: [] };
    });
  }
}
