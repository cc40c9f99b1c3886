import { randomUUID } from 'node:crypto';
import { Entity, type Opt, ManyToOne, OneToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Lead } from '../leads/lead.entity';
import type { Note } from './note.entity';

/**
 * A file attached to a note. The bytes live in this table alone, loaded lazily, so that listing
 * notes never reads file bodies.
 */
@ObjectType({ simpleResolvers: true, description: 'A file attached to a note.' })
@Entity({ tableName: 'attachment' })
export class Attachment {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @OneToOne({ entity: 'Note', ref: true, owner: true, deleteRule: 'cascade', unique: 'attachment_note_unique' })
  note!: Ref<Note>;

  /** The lead, for access checks and the cascade when a lead is deleted. */
  @ManyToOne({ entity: 'Lead', ref: true, deleteRule: 'cascade', index: 'attachment_lead_idx' })
  lead!: Ref<Lead>;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  mimeType!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  sizeBytes!: number;

  @Field(() => String, { description: 'Hex SHA-256 of the content.' })
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'blob', columnType: 'bytea', lazy: true })
  content?: Buffer;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();
}
