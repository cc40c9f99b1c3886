import { IsEnum, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { StakeholderRole } from '../common/enums';
import { CreateContactInput } from '../contacts/contact.inputs';

@InputType({ description: 'Connects a contact to an OPEN lead: exactly one of contactId / newContact.' })
export class AddStakeholderInput {
  @Field(() => ID) leadId!: string;

  @Field(() => ID, { nullable: true, description: 'An existing contact.' })
  @IsOptional()
  contactId?: string | null;

  @Field(() => CreateContactInput, { nullable: true, description: 'A contact to create and connect.' })
  @IsOptional()
  newContact?: CreateContactInput | null;

  @Field(() => StakeholderRole, { nullable: true, defaultValue: StakeholderRole.STAKEHOLDER, description: 'Null means STAKEHOLDER.' })
  @IsOptional() @IsEnum(StakeholderRole)
  role?: StakeholderRole | null;
}

@InputType()
export class UpdateStakeholderRoleInput {
  @Field(() => ID) stakeholderId!: string;

  @Field(() => StakeholderRole)
  @IsEnum(StakeholderRole)
  role!: StakeholderRole;
}

@InputType()
export class RemoveStakeholderInput {
  @Field(() => ID) stakeholderId!: string;
}
