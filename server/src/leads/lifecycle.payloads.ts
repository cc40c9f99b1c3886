import { Field, ID, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { Lead } from './lead.entity';

@ObjectType()
export class DisqualifyLeadPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class ReactivateLeadPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class DeleteLeadPayload {
  @Field(() => ID, { nullable: true }) deletedLeadId!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
