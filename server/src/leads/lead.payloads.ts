import { Field, Float, ObjectType } from 'type-graphql';
import { DuplicateRule } from '../common/enums';
import { UserError } from '../common/errors';
import { connectionType } from '../common/pagination';
import { Lead } from './lead.entity';

@ObjectType({ simpleResolvers: true })
export class DuplicateMatch {
  @Field(() => Lead) lead!: Lead;
  @Field(() => DuplicateRule) rule!: DuplicateRule;
  @Field(() => Float) score!: number;
}

@ObjectType()
export class CreateLeadPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [DuplicateMatch]) duplicates!: DuplicateMatch[];
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class UpdateLeadPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class SetLeadStatusPayload {
  @Field(() => Lead, { nullable: true }) lead!: Lead | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class AssignLeadsPayload {
  @Field(() => [Lead]) leads!: Lead[];
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: 'The Qualify stage of the lead-to-opportunity process: what it still lacks.' })
export class QualifyChecklist {
  @Field(() => Boolean, { description: 'True when nothing is missing.' }) complete!: boolean;
  @Field(() => [String], { description: 'The empty fields, by name, among purchaseTimeframe, budget, purchaseProcess, decisionMakerIdentified (must be true) and description.' })
  missing!: string[];
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

/** The address columns a lead, account or contact has, as a row or an entity holds them. */
export interface AddressColumns {
  addressLine1?: string | null; addressLine2?: string | null; addressCity?: string | null;
  addressStateOrProvince?: string | null; addressPostalCode?: string | null; addressCountry?: string | null;
}

/** The address of a record with address columns; null when every part is empty. */
export function addressOf(r: AddressColumns): Address | null {
  const a: Address = {
    line1: r.addressLine1 ?? null, line2: r.addressLine2 ?? null, city: r.addressCity ?? null,
    stateOrProvince: r.addressStateOrProvince ?? null, postalCode: r.addressPostalCode ?? null, country: r.addressCountry ?? null,
  };
  return Object.values(a).some((v) => v !== null) ? a : null;
}

export const LeadConnection = connectionType<Lead>('Lead', () => Lead);
