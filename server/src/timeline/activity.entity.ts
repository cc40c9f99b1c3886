import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Index, Enum, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { ActivityDirection, ActivityKind, ActivityStatus } from '../common/enums';
import type { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';

@ObjectType({ simpleResolvers: true, description: 'A phone call, email, task or appointment on a lead\'s timeline.' })
@Entity({ tableName: 'activity' })
@Index({ name: 'activity_lead_timeline_idx', properties: ['lead', 'createdAt', 'id'] })
export class Activity {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @ManyToOne({ entity: 'Lead', ref: true, deleteRule: 'cascade', index: false })
  lead!: Ref<Lead>;

  @Field(() => ActivityKind)
  @Enum({ items: () => ActivityKind, type: 'string' })
  kind!: ActivityKind;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => ActivityDirection, { nullable: true })
  @Enum({ items: () => ActivityDirection, type: 'string', nullable: true })
  direction?: ActivityDirection | null;

  @Field(() => ActivityStatus)
  @Enum({ items: () => ActivityStatus, type: 'string', default: ActivityStatus.OPEN })
  status: Opt<ActivityStatus> = ActivityStatus.OPEN;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  dueAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  completedAt?: Date | null;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict' })
  owner!: Ref<User>;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();
}
