import { IsEnum, IsInt, IsOptional, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { DisqualifyReason } from '../common/enums';

const VERSION_DESCRIPTION = 'When given and not the current version, nothing changes (VERSION_CONFLICT).';

@InputType()
export class DisqualifyLeadInput {
  @Field(() => ID) id!: string;

  @Field(() => DisqualifyReason, { nullable: true, defaultValue: DisqualifyReason.LOST, description: "Becomes the lead's statusReason; null means LOST." })
  @IsOptional() @IsEnum(DisqualifyReason)
  reason?: DisqualifyReason | null;

  @Field(() => String, { nullable: true, description: 'Kept in the audit entry; at most 2000 characters.' })
  @IsOptional() @MaxLength(2000)
  comment?: string | null;

  @Field(() => Int, { nullable: true, description: VERSION_DESCRIPTION })
  @IsOptional() @IsInt() @Min(1)
  expectedVersion?: number | null;
}

@InputType()
export class ReactivateLeadInput {
  @Field(() => ID) id!: string;

  @Field(() => Int, { nullable: true, description: VERSION_DESCRIPTION })
  @IsOptional() @IsInt() @Min(1)
  expectedVersion?: number | null;
}

@InputType()
export class DeleteLeadInput {
  @Field(() => ID) id!: string;

  @Field(() => Int, { nullable: true, description: VERSION_DESCRIPTION })
  @IsOptional() @IsInt() @Min(1)
  expectedVersion?: number | null;
}
