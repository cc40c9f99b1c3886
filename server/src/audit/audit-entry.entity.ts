import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../users/user.entity';

@ObjectType({ simpleResolvers: true, description: 'One changed field of an audited change, with values rendered as text.' })
export class FieldChange {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true })
  oldValue?: string | null;

  @Field(() => String, { nullable: true })
  newValue?: string | null;
}

/**
 * One audited change. `entityId` is deliberately not a foreign key: entries outlive the lead.
 */
@ObjectType({ simpleResolvers: true, description: 'An audited change: who, when, what, and the changed fields.' })
@Entity({ tableName: 'audit_entry' })
@Index({ name: 'audit_entry_entity_idx', properties: ['entityId', 'at', 'id'] })
export class AuditEntry {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Property({ type: 'string', length: 40 })
  entityType!: string;

  @Property({ type: 'uuid' })
  entityId!: string;

  @Field(() => String, { description: 'CREATED, UPDATED, ASSIGNED, QUALIFIED, DISQUALIFIED, REACTIVATED, …' })
  @Property({ type: 'string', length: 40 })
  action!: string;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  actor?: Ref<User> | null;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  at: Opt<Date> = new Date();

  @Field(() => [FieldChange])
  @Property({ type: 'json' })
  changes: Opt<FieldChange[]> = [];
}
