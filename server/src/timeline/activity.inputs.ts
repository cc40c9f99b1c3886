import { IsIn, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ActivityDirection, ActivityKind } from '../common/enums';
import { IsNotBlank } from '../common/validators';

@InputType()
export class LogActivityInput {
  @Field(() => ID)
  leadId!: string;

  @Field(() => ActivityKind)
  @IsIn(Object.values(ActivityKind))
  kind!: ActivityKind;

  @Field(() => String, { description: '1..200 characters, not blank.' })
  @MaxLength(200) @IsNotBlank()
  subject!: string;

  @Field(() => String, { nullable: true, description: 'At most 10000 characters.' })
  @IsOptional() @MaxLength(10_000)
  description?: string | null;

  @Field(() => ActivityDirection, { nullable: true })
  @IsOptional()
  direction?: ActivityDirection | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  dueAt?: Date | null;
}

@InputType()
export class CompleteActivityInput {
  @Field(() => ID)
  activityId!: string;
}

@InputType()
export class CancelActivityInput {
  @Field(() => ID)
  activityId!: string;
}
