import { ArrayMinSize, IsBoolean, IsEnum, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DuplicateHandling } from '../common/enums';
import { normaliseId } from '../common/ids';
import { MAX_QUALIFY_IDS } from '../common/limits';
import { IsNotBlank } from '../common/validators';

@InputType({ description: 'What qualifying one lead of the call does differently: the account or contact to link, the opportunity\'s name or owner.' })
export class QualifyOverride {
  @Field(() => ID, { description: 'A lead of the call\'s leadIds; at most one override per lead.' })
  leadId!: string;

  @Field(() => ID, { nullable: true, description: 'An existing account to link instead of finding or creating one (NOT_FOUND for the lead when there is none).' })
  accountId?: string | null;

  @Field(() => ID, { nullable: true, description: 'An existing contact to link instead of finding or creating one (NOT_FOUND for the lead when there is none).' })
  contactId?: string | null;

  @Field(() => String, { nullable: true, description: "The opportunity's name (1..300 characters) instead of the lead's topic." })
  @ValidateIf((o: QualifyOverride) => o.opportunityName != null) @MaxLength(300) @IsNotBlank()
  opportunityName?: string | null;

  @Field(() => ID, { nullable: true, description: "The opportunity's owner instead of the lead's: a user who may own leads (not a PARTNER)." })
  opportunityOwnerId?: string | null;
}

@InputType({ description: 'Qualifies leads into accounts, contacts and opportunities; one result per id, in order.' })
export class QualifyLeadsInput {
  @Field(() => [ID], { description: `1..${MAX_QUALIFY_IDS} lead ids, each at most once` })
  @ArrayMinSize(1, { message: 'leadIds must name at least one lead' })
  leadIds!: string[];

  @Field(() => String, { description: "The opportunities' currency (ISO 4217, a known currency)." })
  // Any other string is simply not a known currency: UNKNOWN_CURRENCY, as the contract says.
  @IsString()
  currencyCode!: string;

  // The options are nullable with defaults, as the contract spells them; an explicit null
  // means the default (see `qualifyOptions`).
  @Field(() => Boolean, { nullable: true, defaultValue: true }) @IsOptional() @IsBoolean() createAccount?: boolean | null;
  @Field(() => Boolean, { nullable: true, defaultValue: true }) @IsOptional() @IsBoolean() createContact?: boolean | null;
  @Field(() => Boolean, { nullable: true, defaultValue: true }) @IsOptional() @IsBoolean() createOpportunity?: boolean | null;

  @Field(() => DuplicateHandling, { nullable: true, defaultValue: DuplicateHandling.LINK_EXISTING })
  @IsOptional() @IsEnum(DuplicateHandling)
  duplicateHandling?: DuplicateHandling | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'When any lead fails, none is qualified.' })
  @IsOptional() @IsBoolean()
  allOrNone?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Report what would happen; write nothing.' })
  @IsOptional() @IsBoolean()
  dryRun?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'A lead whose qualifyChecklist is incomplete fails with STAGE_INCOMPLETE.' })
  @IsOptional() @IsBoolean()
  requireCompleteChecklist?: boolean | null;

  @Field(() => [QualifyOverride], { nullable: true, description: 'At most one per lead of leadIds.' })
  @IsOptional() @ValidateNested({ each: true })
  overrides?: QualifyOverride[] | null;
}

/** An override as the plan uses it: its index in `overrides` (for error paths) and its ids normalised. */
export interface Override { index: number; accountId: string | null; contactId: string | null; opportunityName: string | null; opportunityOwnerId: string | null }

export type QualifyOptions = Required<{ [K in Exclude<keyof QualifyLeadsInput, 'overrides'>]: NonNullable<QualifyLeadsInput[K]> }> & {
  /** By lead id. */
  overrides: Map<string, Override>;
};

/** The input with every option settled: absent or null means the contract's default. */
export function qualifyOptions(input: QualifyLeadsInput): QualifyOptions {
  return {
    leadIds: input.leadIds.map(normaliseId), currencyCode: input.currencyCode,
    createAccount: input.createAccount ?? true, createContact: input.createContact ?? true,
    createOpportunity: input.createOpportunity ?? true,
    duplicateHandling: input.duplicateHandling ?? DuplicateHandling.LINK_EXISTING,
    allOrNone: input.allOrNone ?? false, dryRun: input.dryRun ?? false,
    requireCompleteChecklist: input.requireCompleteChecklist ?? false,
    overrides: new Map((input.overrides ?? []).map((o, index) => [normaliseId(o.leadId), {
      index, accountId: o.accountId != null ? normaliseId(o.accountId) : null, contactId: o.contactId != null ? normaliseId(o.contactId) : null,
      opportunityName: o.opportunityName?.trim() || null, opportunityOwnerId: o.opportunityOwnerId != null ? normaliseId(o.opportunityOwnerId) : null,
    }])),
  };
}
