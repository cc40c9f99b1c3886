import { Field, InputType } from 'type-graphql';
import { ImportMatch, ImportOnMatch } from '../common/enums';
import { MAX_IMPORT_ROWS } from '../common/limits';
import { CreateLeadInput } from './lead.inputs';

@InputType({ description: 'Leads to import: each row is a createLead input; one result per row, in order.' })
export class ImportLeadsInput {
  // Not @ValidateNested: each row is validated on its own, so that its errors are that row's
  // result rather than the whole call's.
  @Field(() => [CreateLeadInput], { description: `1..${MAX_IMPORT_ROWS} rows, each validated as createLead's input (errors name ["input","rows","<index>", …]); duplicateCheck is ignored: matchOn and onMatch say what happens to a row that is already a lead. Fewer or more rows is a top-level BAD_USER_INPUT.` })
  rows!: CreateLeadInput[];

  // The options are nullable with defaults, as the API reference spells them; an explicit null
  // means the default (see `importOptions`). GraphQL's types are their only rule.
  @Field(() => ImportMatch, { nullable: true, defaultValue: ImportMatch.EMAIL, description: 'How a row is matched to a lead it already is (default EMAIL).' })
  matchOn?: ImportMatch | null;

  @Field(() => ImportOnMatch, { nullable: true, defaultValue: ImportOnMatch.SKIP, description: 'What happens to a row that matches a lead (default SKIP).' })
  onMatch?: ImportOnMatch | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Report what would happen; write nothing.' })
  dryRun?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'When any row fails, nothing is written and every result says why.' })
  allOrNone?: boolean | null;
}

/** The options of an import with every one settled: absent or null means the default. */
export interface ImportOptions { matchOn: ImportMatch; onMatch: ImportOnMatch; dryRun: boolean; allOrNone: boolean }

export function importOptions(input: Omit<ImportLeadsInput, 'rows'>): ImportOptions {
  return {
    matchOn: input.matchOn ?? ImportMatch.EMAIL, onMatch: input.onMatch ?? ImportOnMatch.SKIP,
    dryRun: input.dryRun ?? false, allOrNone: input.allOrNone ?? false,
  };
}
