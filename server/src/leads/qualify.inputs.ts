import { ArrayMinSize, IsBoolean, IsEnum, IsOptional, IsString } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DuplicateHandling } from '../common/enums';
import { normaliseId } from '../common/ids';
import { MAX_QUALIFY_IDS } from '../common/limits';

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
}

export type QualifyOptions = Required<{ [K in keyof QualifyLeadsInput]: NonNullable<QualifyLeadsInput[K]> }>;

/** The input with every option settled: absent or null means the contract's default. */
export function qualifyOptions(input: QualifyLeadsInput): QualifyOptions {
  return {
    leadIds: input.leadIds.map(normaliseId), currencyCode: input.currencyCode,
    createAccount: input.createAccount ?? true, createContact: input.createContact ?? true,
    createOpportunity: input.createOpportunity ?? true,
    duplicateHandling: input.duplicateHandling ?? DuplicateHandling.LINK_EXISTING,
    allOrNone: input.allOrNone ?? false, dryRun: input.dryRun ?? false,
  };
}
