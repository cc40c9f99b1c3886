import { Field, ID, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { Lead } from '../leads/lead.entity';
import { Stakeholder } from './stakeholder.entity';

@ObjectType()
export class AddStakeholderPayload {
  @Field(() => Stakeholder, { nullable: true }) stakeholder!: Stakeholder | null;
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class UpdateStakeholderRolePayload {
  @Field(() => Stakeholder, { nullable: true }) stakeholder!: Stakeholder | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RemoveStakeholderPayload {
  @Field(() => ID, { nullable: true }) removedStakeholderId!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
