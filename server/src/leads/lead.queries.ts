import type { EntityManager } from '@mikro-orm/postgresql';
import { leadVisibility, readsLeadsOnly } from '../access/policy';
import { accountRows } from '../accounts/account.queries';
import type { Prefetch } from '../common/prefetch';
import { contactRows } from '../contacts/contact.queries';
import { opportunityRows } from '../opportunities/opportunity.queries';
import { stakeholderRows } from '../stakeholders/stakeholder.queries';
import { userRows } from '../users/user.queries';
import { LeadOrderField, OrderDirection } from '../common/enums';
import { searchTerm } from '../common/search';
import { isUuid } from '../common/ids';
import { keysetPage, likePattern, orderExpression, type SortKey } from '../common/keyset';
import type { ConnectionShape } from '../common/pagination';
import { RowReader, type Row, type Selection } from '../common/rows';
import type { User } from '../users/user.entity';
import { Lead } from './lead.entity';
import type { LeadFilter, LeadOrder } from './lead.inputs';

export const leadRows = new RowReader(Lead, {
  // The access policy reads the owner and the creator of every lead it is asked about.
  always: ['owner', 'createdBy'],
  computed: {
    fullName: ['firstName', 'lastName'],
    address: ['addressLine1', 'addressLine2', 'addressCity', 'addressStateOrProvince', 'addressPostalCode', 'addressCountry'],
    budget: ['budgetAmount', 'budgetCurrency'],
    qualifyChecklist: ['purchaseTimeframe', 'budgetAmount', 'purchaseProcess', 'decisionMakerIdentified', 'description'],
    stakeholders: [], timeline: [], history: [],
  },
});

/** Each ordering's SQL sort key; every index on these ends with the id as a unique tiebreaker. */
const SORT_KEYS: Record<LeadOrderField, SortKey> = {
  [LeadOrderField.CREATED_AT]: { sql: 'l.created_at', cast: 'timestamptz' },
  [LeadOrderField.UPDATED_AT]: { sql: 'l.updated_at', cast: 'timestamptz' },
  [LeadOrderField.TOPIC]: { sql: 'lower(l.topic)', cast: 'text' },
  [LeadOrderField.LAST_NAME]: { sql: 'lower(l.last_name)', cast: 'text' },
  [LeadOrderField.COMPANY_NAME]: { sql: "lower(coalesce(l.company_name, ''))", cast: 'text' },
  [LeadOrderField.RATING]: { sql: 'l.rating_rank', cast: 'int' },
  // Nulls last in both directions, each direction on its own expression index (see keyset.ts).
  [LeadOrderField.NEXT_FOLLOW_UP_AT]: { sql: 'l.next_follow_up_at', cast: 'timestamptz', nullable: true },
  [LeadOrderField.LAST_ACTIVITY_AT]: { sql: 'l.last_activity_at', cast: 'timestamptz', nullable: true },
};

const NEXT_FOLLOW_UP = SORT_KEYS[LeadOrderField.NEXT_FOLLOW_UP_AT];
const LAST_ACTIVITY = SORT_KEYS[LeadOrderField.LAST_ACTIVITY_AT];

/**
 * What to fetch with each lead of a page, from the fields asked of it: its owner, and (for
 * callers who may see around leads) its stakeholders with their contacts and accounts, and the
 * records it names. What is not asked for is not read.
 */
export function leadPrefetch(em: EntityManager, actor: User, node: Selection): Prefetch[] {
  const specs: Prefetch[] = [];
  if (node.owner) specs.push({ field: 'owner', reader: userRows, join: { one: 'owner' }, props: userRows.propsFor(em, node.owner) });
  if (readsLeadsOnly(actor)) return specs;
  const contact = (field: string, property: string, selection: Selection): Prefetch => ({
    field, reader: contactRows, join: { one: property }, props: contactRows.propsFor(em, selection),
    nested: selection.account ? [{ field: 'account', reader: accountRows, join: { one: 'account' }, props: accountRows.propsFor(em, selection.account) }] : [],
  });
  if (node.stakeholders) {
    specs.push({
      field: 'stakeholders', reader: stakeholderRows, join: { many: 'lead', orderBy: ['createdAt', 'id'] },
      props: stakeholderRows.propsFor(em, node.stakeholders),
      nested: node.stakeholders.contact ? [contact('contact', 'contact', node.stakeholders.contact)] : [],
    });
  }
  for (const field of ['account', 'existingAccount'] as const) {
    if (node[field]) specs.push({ field, reader: accountRows, join: { one: field }, props: accountRows.propsFor(em, node[field]) });
  }
  for (const field of ['contact', 'existingContact'] as const) {
    if (node[field]) specs.push(contact(field, field, node[field]));
  }
  if (node.qualifyingOpportunity) {
    specs.push({ field: 'qualifyingOpportunity', reader: opportunityRows, join: { one: 'qualifyingOpportunity' }, props: opportunityRows.propsFor(em, node.qualifyingOpportunity) });
  }
  return specs;
}

/** The `leads` query: filtered, visible to the caller, ordered, keyset-paginated. */
export async function findLeads(
  em: EntityManager, actor: User,
  args: {
    first: number; after?: string | null; filter?: LeadFilter | null; orderBy?: LeadOrder | null;
    /** What each lead of the page is asked for: its columns, and related rows to fetch with it. */
    props?: Set<string>; prefetch?: Prefetch[];
  },
): Promise<ConnectionShape<Row<Lead>>> {
  const field = args.orderBy?.field ?? LeadOrderField.CREATED_AT;
  const direction = args.orderBy?.direction ?? OrderDirection.DESC;

  const where: string[] = [];
  const params: unknown[] = [];
  const f = args.filter ?? {};
  const visible = leadVisibility(actor, 'l');
  where.push(visible.sql); params.push(...visible.params);
  if (f.state?.length) { where.push('l.state = any(?::text[])'); params.push(f.state); }
  if (f.statusReason?.length) { where.push('l.status_reason = any(?::text[])'); params.push(f.statusReason); }
  if (f.source?.length) { where.push('l.source = any(?::text[])'); params.push(f.source); }
  if (f.rating?.length) { where.push('l.rating = any(?::text[])'); params.push(f.rating); }
  if (f.mine) { where.push('l.owner_id = ?'); params.push(actor.id); }
  if (f.ownerId != null) {
    if (!isUuid(f.ownerId)) where.push('false');
    else { where.push('l.owner_id = ?'); params.push(f.ownerId); }
  }
  const term = searchTerm(f.search, 'filter.search');
  if (term) { where.push("l.search_text like lower(?) escape '\\'"); params.push(likePattern(term)); }
  if (f.createdAfter) { where.push('l.created_at >= ?'); params.push(f.createdAfter); }
  if (f.createdBefore) { where.push('l.created_at < ?'); params.push(f.createdBefore); }
  if (f.industry?.length) { where.push('l.industry = any(?::text[])'); params.push(f.industry); }
  // Written over the same coalesce expressions as the orderings, so that the indexes serve them
  // (a null next follow-up reads as +infinity: never due; a null last activity as -infinity: untouched).
  if (f.followUpDue != null) where.push(`${orderExpression(NEXT_FOLLOW_UP, 'asc')} ${f.followUpDue ? '<=' : '>'} now()`);
  if (f.untouchedSince) { where.push(`${orderExpression(LAST_ACTIVITY, 'desc')} < ?`); params.push(f.untouchedSince); }

  return keysetPage(em, leadRows, {
    alias: 'l', sort: [SORT_KEYS[field]], direction: direction === OrderDirection.ASC ? 'asc' : 'desc',
    where: where.length ? where.join(' and ') : 'true', params, first: args.first, after: args.after,
    tag: `lead:${field}:${direction}`, prefetch: args.prefetch, props: args.props,
  });
}
