import { loadRelated } from '../common/loaders';
import type { ForeignKey } from '../common/ids';
import type { Row, RowReader } from '../common/rows';
import type { Context } from '../context';
import type { Lead } from '../leads/lead.entity';
import { leadRows } from '../leads/lead.queries';
import { canReadLead, readsLeadsOnly } from './policy';

/**
 * A record around a lead (its account, contact, opportunity…), or null when the caller reads
 * leads only: for a PARTNER such records look as if they did not exist.
 */
export function relatedRecord<T extends object>(ctx: Context, reader: RowReader<T>, fk: ForeignKey): Promise<Row<T> | null> {
  return readsLeadsOnly(ctx.actor) ? Promise.resolve(null) : loadRelated(ctx, reader, fk);
}

/** The lead a record names (`originatingLead`), or null when the caller may not read it. */
export async function visibleLead(ctx: Context, fk: ForeignKey): Promise<Row<Lead> | null> {
  const lead = await loadRelated(ctx, leadRows, fk);
  return lead && canReadLead(ctx.actor, lead) ? lead : null;
}
