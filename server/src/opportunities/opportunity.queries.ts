import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../common/ids';
import { keysetPage } from '../common/keyset';
import type { ConnectionShape } from '../common/pagination';
import { RowReader, type Row } from '../common/rows';
import { Opportunity } from './opportunity.entity';
import type { OpportunityFilter } from './opportunity.inputs';

export const opportunityRows = new RowReader(Opportunity, {
  computed: { currencyCode: ['currency'], estimatedValue: ['estimatedValue', 'currency'], stakeholders: [] },
});

/** The `opportunities` query: newest first, filtered by state and originating lead. */
export function findOpportunities(
  em: EntityManager, args: { first: number; after?: string | null; filter?: OpportunityFilter | null },
): Promise<ConnectionShape<Row<Opportunity>>> {
  const { filter } = args;
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter?.state?.length) { where.push('o.state = any(?::text[])'); params.push(filter.state); }
  if (filter?.originatingLeadId != null) {
    if (!isUuid(filter.originatingLeadId)) where.push('false');
    else { where.push('o.originating_lead_id = ?'); params.push(filter.originatingLeadId); }
  }
  return keysetPage(em, opportunityRows, {
    alias: 'o', sort: [{ sql: 'o.created_at', cast: 'timestamptz' }], direction: 'desc',
    where: where.length ? where.join(' and ') : 'true', params, first: args.first, after: args.after, tag: 'opportunity:created',
  });
}
