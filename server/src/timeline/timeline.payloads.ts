import { createUnionType, Field, ID, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { connectionType } from '../common/pagination';
import type { Readable } from '../common/rows';
import { Activity } from './activity.entity';
import { Note } from './note.entity';

export const TimelineItem = createUnionType({
  name: 'TimelineItem',
  description: 'A note or an activity on a lead\'s timeline.',
  types: () => [Note, Activity] as const,
  // Entities and plain rows alike: only an activity has a kind.
  resolveType: (item) => ('kind' in item && item.kind ? 'Activity' : 'Note'),
});

export type TimelineNode = Readable<Note> | Readable<Activity>;

export const TimelineConnection = connectionType<TimelineNode>('Timeline', () => TimelineItem);

@ObjectType()
export class AddNotePayload {
  @Field(() => Note, { nullable: true }) note!: Note | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class LogActivityPayload {
  @Field(() => Activity, { nullable: true }) activity!: Activity | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class CompleteActivityPayload {
  @Field(() => Activity, { nullable: true }) activity!: Activity | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class CancelActivityPayload {
  @Field(() => Activity, { nullable: true }) activity!: Activity | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class UpdateNotePayload {
  @Field(() => Note, { nullable: true }) note!: Note | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class DeleteNotePayload {
  @Field(() => ID, { nullable: true }) deletedNoteId!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
