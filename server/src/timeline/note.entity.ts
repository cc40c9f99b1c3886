import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';

@ObjectType({ simpleResolvers: true, description: 'A note on a lead\'s timeline, optionally with one attachment.' })
@Entity({ tableName: 'note' })
@Index({ name: 'note_lead_timeline_idx', properties: ['lead', 'createdAt', 'id'] })
export class Note {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @ManyToOne({ entity: 'Lead', ref: true, deleteRule: 'cascade', index: false })
  lead!: Ref<Lead>;

  @Field(() => String)
  @Property({ type: 'text' })
  text!: string;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  author?: Ref<User> | null;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();
}
