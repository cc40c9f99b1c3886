import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { connectionType } from '../common/pagination';
import { Lead } from './lead.entity';

@ObjectType()
export class CreateLeadPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class UpdateLeadPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class AssignLeadsPayload {
  @Field(() => [Lead]) leads!: Lead[];
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'A postal address.' })
export class Address {
  @Field(() => String, { nullable: true }) line1!: string | null;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true }) stateOrProvince!: string | null;
  @Field(() => String, { nullable: true }) postalCode!: string | null;
  @Field(() => String, { nullable: true }) country!: string | null;
}

export const LeadConnection = connectionType<Lead>('Lead', () => Lead);
