import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { readsLeadsOnly, STAFF } from '../access/policy';
import { isUuid } from '../common/ids';
import { loadRelated, rowsById } from '../common/loaders';
import type { Readable, Row } from '../common/rows';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { leadRows } from '../leads/lead.queries';
import { User } from '../users/user.entity';
import { userRows } from '../users/user.queries';
import { Attachment } from './attachment.entity';
import { attachmentContent, attachmentOfNote } from './attachment.queries';
import { AddNoteInput, DeleteNoteInput, UpdateNoteInput } from './note.inputs';
import { Note } from './note.entity';
import { NoteService } from './note.service';
import { noteRows } from './timeline.queries';
import { AddNotePayload, DeleteNotePayload, UpdateNotePayload } from './timeline.payloads';

@Resolver(() => Note)
export class NoteResolver {
  @Authorized()
  @Query(() => Note, { nullable: true, description: 'The note with this id; null when it does not exist, and always for a PARTNER (it reads leads, not their timelines). Every role.' })
  note(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Note> | null> {
    if (!isUuid(id) || readsLeadsOnly(ctx.actor)) return Promise.resolve(null);
    return rowsById(ctx, noteRows).load(id.toLowerCase());
  }

  @Authorized(STAFF)
  @Mutation(() => AddNotePayload, { description: 'Adds a note, optionally with one attachment (at most 2 MiB), to an OPEN lead. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  addNote(@Arg('input', () => AddNoteInput) input: AddNoteInput, @Ctx() ctx: Context): Promise<AddNotePayload> {
    return new NoteService(ctx.em, ctx.actor).addNote(input);
  }

  @Authorized(STAFF)
  @Mutation(() => UpdateNotePayload, { description: "Replaces a note's text, on an OPEN lead. Its author (a SALESPERSON only on the leads it owns), MANAGER and ADMIN; others FORBIDDEN; PARTNER: top-level FORBIDDEN." })
  updateNote(@Arg('input', () => UpdateNoteInput) input: UpdateNoteInput, @Ctx() ctx: Context): Promise<UpdateNotePayload> {
    return new NoteService(ctx.em, ctx.actor).updateNote(input);
  }

  @Authorized(STAFF)
  @Mutation(() => DeleteNotePayload, { description: 'Deletes a note and its attachment, on an OPEN lead. Its author (a SALESPERSON only on the leads it owns), MANAGER and ADMIN; others FORBIDDEN; PARTNER: top-level FORBIDDEN.' })
  deleteNote(@Arg('input', () => DeleteNoteInput) input: DeleteNoteInput, @Ctx() ctx: Context): Promise<DeleteNotePayload> {
    return new NoteService(ctx.em, ctx.actor).deleteNote(input);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Null once the author\'s user has been deleted.' })
  author(@Root() note: Readable<Note>, @Ctx() ctx: Context): Promise<Row<User> | null> {
    return loadRelated(ctx, userRows, note.author);
  }

  @FieldResolver(() => Attachment, { nullable: true })
  attachment(@Root() note: Readable<Note>, @Ctx() ctx: Context): Promise<Readable<Attachment> | null> {
    return attachmentOfNote(ctx, note.id);
  }

  @FieldResolver(() => Lead, { description: 'The lead the note is on.' })
  lead(@Root() note: Readable<Note>, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    return loadRelated(ctx, leadRows, note.lead);
  }
}

@Resolver(() => Attachment)
export class AttachmentResolver {
  @FieldResolver(() => String, { description: 'The file in base64. Read from the database only when asked for; also at GET /attachments/{id}.' })
  async contentBase64(@Root() attachment: Readable<Attachment>, @Ctx() ctx: Context): Promise<string> {
    return (await attachmentContent(ctx, attachment)).toString('base64');
  }
}
