import {
  ArrayMinSize, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsUrl, IsUUID, Matches, MaxLength, Min,
  ValidateIf, ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import {
  BudgetStatus, DuplicateCheck, Industry, LeadOrderField, LeadRating, LeadSource, LeadState, LeadStatusReason, OrderDirection,
  PreferredContactMethod, PurchaseProcess, PurchaseTimeframe,
} from '../common/enums';
import { MoneyInput } from '../common/money';
import { IsNotBlank, PHONE } from '../common/validators';

@InputType({ description: 'A postal address; every part is optional.' })
export class AddressInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(250) line1?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(250) line2?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(80) city?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(50) stateOrProvince?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(20) postalCode?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(80) country?: string | null;
}

/** The optional fields shared by createLead and updateLead. */
@InputType('LeadFieldsInput')
export abstract class LeadFieldsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(50) firstName?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) jobTitle?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(160) companyName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @MaxLength(100) @IsEmail({}, { message: 'email must be a well-formed email address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @MaxLength(50) @Matches(PHONE, { message: 'businessPhone must be a phone number' })
  businessPhone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @MaxLength(50) @Matches(PHONE, { message: 'mobilePhone must be a phone number' })
  mobilePhone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional() @MaxLength(200)
  @IsUrl({ protocols: ['http', 'https'], require_tld: true }, { message: 'website must be an http(s) URL' })
  website?: string | null;

  @Field(() => AddressInput, { nullable: true })
  @IsOptional() @ValidateNested()
  address?: AddressInput | null;

  @Field(() => Industry, { nullable: true }) @IsOptional() industry?: Industry | null;

  @Field(() => PreferredContactMethod, { nullable: true })
  @IsOptional()
  preferredContactMethod?: PreferredContactMethod | null;

  @Field(() => LeadSource, { nullable: true }) @IsOptional() source?: LeadSource | null;
  @Field(() => LeadRating, { nullable: true }) @IsOptional() rating?: LeadRating | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string | null;

  @Field(() => MoneyInput, { nullable: true })
  @IsOptional() @ValidateNested()
  budget?: MoneyInput | null;

  @Field(() => PurchaseTimeframe, { nullable: true }) @IsOptional() purchaseTimeframe?: PurchaseTimeframe | null;
  @Field(() => PurchaseProcess, { nullable: true }) @IsOptional() purchaseProcess?: PurchaseProcess | null;
  @Field(() => BudgetStatus, { nullable: true }) @IsOptional() budgetStatus?: BudgetStatus | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() decisionMakerIdentified?: boolean | null;
  @Field(() => ID, { nullable: true }) @IsOptional() existingAccountId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() existingContactId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() ownerId?: string | null;
}

@InputType({ description: 'A new lead. `topic` and `lastName` are required.' })
export class CreateLeadInput extends LeadFieldsInput {
  @Field(() => String, { description: '1..300 characters' })
  @MaxLength(300) @IsNotBlank()
  topic!: string;

  @Field(() => String, { description: '1..50 characters' })
  @MaxLength(50) @IsNotBlank()
  lastName!: string;

  @Field(() => DuplicateCheck, { nullable: true, defaultValue: DuplicateCheck.WARN })
  @IsOptional() @IsIn(Object.values(DuplicateCheck))
  duplicateCheck?: DuplicateCheck | null;
}

@InputType({ description: 'Changes to a lead: only the fields given change; an explicit null clears a nullable field.' })
export class UpdateLeadInput extends LeadFieldsInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: 'When given and not the current version, nothing changes (VERSION_CONFLICT).' })
  @IsOptional() @IsInt() @Min(1)
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true })
  @ValidateIf((o: UpdateLeadInput) => o.topic !== undefined) @MaxLength(300) @IsNotBlank()
  topic?: string | null;

  @Field(() => String, { nullable: true })
  @ValidateIf((o: UpdateLeadInput) => o.lastName !== undefined) @MaxLength(50) @IsNotBlank()
  lastName?: string | null;

  @Field(() => Boolean, { nullable: true })
  @ValidateIf((o: UpdateLeadInput) => o.decisionMakerIdentified !== undefined)
  @IsBoolean({ message: 'decisionMakerIdentified cannot be cleared; send true or false' })
  override decisionMakerIdentified?: boolean | null;

  @Field(() => PreferredContactMethod, { nullable: true })
  @ValidateIf((o: UpdateLeadInput) => o.preferredContactMethod !== undefined)
  @IsIn(Object.values(PreferredContactMethod), { message: 'preferredContactMethod cannot be cleared; send a value' })
  override preferredContactMethod?: PreferredContactMethod | null;

  @Field(() => ID, { nullable: true })
  @ValidateIf((o: UpdateLeadInput) => o.ownerId !== undefined)
  @IsUUID('all', { message: 'ownerId cannot be cleared; every lead has an owner (use assignLeads)' })
  override ownerId?: string | null;
}

@InputType()
export class AssignLeadsInput {
  @Field(() => [ID], { description: '1..100 lead ids; more is a top-level BAD_USER_INPUT' })
  @ArrayMinSize(1, { message: 'leadIds must name at least one lead' })
  leadIds!: string[];

  @Field(() => ID)
  ownerId!: string;
}

@InputType({ description: 'Lists combine with AND; an empty or absent list does not filter.' })
export class LeadFilter {
  @Field(() => [LeadState], { nullable: true }) state?: LeadState[] | null;
  @Field(() => [LeadStatusReason], { nullable: true }) statusReason?: LeadStatusReason[] | null;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Only leads the caller owns.' }) mine?: boolean | null;
  @Field(() => [LeadSource], { nullable: true }) source?: LeadSource[] | null;
  @Field(() => [LeadRating], { nullable: true }) rating?: LeadRating[] | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of topic, first/last name, company or email.' })
  search?: string | null;
  @Field(() => Date, { nullable: true, description: 'Created at or after this instant.' }) createdAfter?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Created strictly before this instant.' }) createdBefore?: Date | null;
  @Field(() => Boolean, { nullable: true, description: 'true: nextFollowUpAt is now or earlier; false: it is later, or there is none.' })
  followUpDue?: boolean | null;
  @Field(() => Date, { nullable: true, description: 'lastActivityAt is null or strictly before this instant.' })
  untouchedSince?: Date | null;
  @Field(() => [Industry], { nullable: true }) industry?: Industry[] | null;
}

@InputType({ description: 'Default: CREATED_AT DESC. Ties are broken by id, so paging is stable; NEXT_FOLLOW_UP_AT and LAST_ACTIVITY_AT put nulls last in both directions.' })
export class LeadOrder {
  @Field(() => LeadOrderField) field!: LeadOrderField;
  @Field(() => OrderDirection) direction!: OrderDirection;
}

@InputType({ description: 'Moves an OPEN lead between NEW and CONTACTED.' })
export class SetLeadStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => LeadStatusReason, { description: 'NEW or CONTACTED; any other value is VALIDATION (qualify, disqualify and reactivate set the others).' })
  @IsIn([LeadStatusReason.NEW, LeadStatusReason.CONTACTED], { message: 'statusReason must be NEW or CONTACTED; qualifyLeads, disqualifyLead and reactivateLead set the others' })
  statusReason!: LeadStatusReason;

  @Field(() => Int, { nullable: true, description: 'When given and not the current version, nothing changes (VERSION_CONFLICT).' })
  @IsOptional() @IsInt() @Min(1)
  expectedVersion?: number | null;
}
