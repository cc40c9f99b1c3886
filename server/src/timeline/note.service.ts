import type { EntityManager } from '@mikro-orm/postgresql';
import { fieldChange, recordAudit } from '../audit/audit.service';
import type { UserError } from '../common/errors';
import { validateInput } from '../common/validation';
import { User } from '../users/user.entity';
import { decodeContent } from './attachment.content';
import { Attachment } from './attachment.entity';
import type { AddNoteInput } from './note.inputs';
import { Note } from './note.entity';
import { lockOpenLead } from './timeline.access';

export interface NoteResult { note: Note | null; userErrors: UserError[] }

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
      const lead = found.lead;
      const note = em.create(Note, { lead, text: input.text, author: em.getReference(User, actor.id) });
      const changes = [fieldChange('noteId', null, note.id), fieldChange('text', null, note.text)];
      if (input.attachment) {
        const { bytes, sha256 } = decodeContent(input.attachment.contentBase64);
        const attachment = em.create(Attachment, {
          note, lead, fileName: input.attachment.fileName, mimeType: input.attachment.mimeType,
          sizeBytes: bytes.length, sha256, content: bytes, createdAt: note.createdAt,
        });
        changes.push(fieldChange('attachment', null, attachment.fileName));
      }
      recordAudit(em, { entityType: 'Lead', entityId: lead.id, action: 'NOTE_ADDED', actor, changes, at: note.createdAt });
      await em.flush();
      return { note, userErrors: [] };
    });
  }
}
