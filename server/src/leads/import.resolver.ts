import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { badUserInput } from '../common/errors';
import { assertListLimit, MAX_IMPORT_ROWS } from '../common/limits';
import type { Context } from '../context';
import { ImportLeadsInput } from './import.inputs';
import { ImportLeadsPayload } from './import.payloads';
import { ImportService } from './import.service';

@Resolver()
export class LeadImportResolver {
  @Authorized()
  @Mutation(() => ImportLeadsPayload, { description: `Imports 1..${MAX_IMPORT_ROWS} rows of createLead input in one transaction: with matchOn EMAIL (the default) a row whose email matches an OPEN lead the caller may read is skipped, updated or created anyway, by onMatch; every other valid row creates a lead. One result per row, in order; allOrNone and dryRun as in qualifyLeads. Every role: ADMIN and MANAGER may update any matched lead and name any owner; a SALESPERSON updates only the leads it owns (FORBIDDEN for that row); a PARTNER imports as it creates — its own leads, source PARTNER by default, matched only against the leads it created (and it updates none).` })
  importLeads(
    @Arg('input', () => ImportLeadsInput, { description: 'The rows, how they are matched to leads and what a match does, and whether to only try or to import all or none.' }) input: ImportLeadsInput,
    @Ctx() ctx: Context,
  ): Promise<ImportLeadsPayload> {
    if (!input.rows.length) throw badUserInput('"input.rows" must hold at least one row', 'input.rows');
    assertListLimit(input.rows, MAX_IMPORT_ROWS, 'input.rows');
    return new ImportService(ctx.em, ctx.actor).importLeads(input);
  }
}
