import type { DocumentNode } from 'graphql';
import type * as Operations from './generated/graphql.js';
import { getSdk } from './generated/sdk.js';
import { paginate } from './paginate.js';
import { createExecutor, type CallOptions, type TransportOptions } from './transport.js';
import type { TypedDocumentNode } from './typed-document-node.js';

export type LeadsClientOptions = TransportOptions;

type Sdk = ReturnType<typeof getSdk<CallOptions>>;

/** Every operation selects exactly one root field; its value is the method's result. */
type RootField<T> = T[keyof T];

const rootKeys = new WeakMap<DocumentNode, string>();

/** The response key of the operation's one root field. */
function rootKey(doc: DocumentNode): string {
  let key = rootKeys.get(doc);
  if (key === undefined) {
    const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
    const field = op?.kind === 'OperationDefinition' ? op.selectionSet.selections[0] : undefined;
    if (field?.kind !== 'Field') throw new TypeError('An SDK operation must select one root field');
    key = field.alias?.value ?? field.name.value;
    rootKeys.set(doc, key);
  }
  return key;
}

/**
 * One method per operation of the service: `client.createLead({ input })` resolves to the
 * `CreateLeadPayload`, `client.lead({ id })` to the lead or null.
 */
export type LeadsClientOperations = {
  [K in keyof Sdk]: (...args: Parameters<Sdk[K]>) => Promise<RootField<Awaited<ReturnType<Sdk[K]>>>>;
};

/** What `client[name](…)` resolves to, e.g. `LeadsClientResult<'qualifyLeads'>`. */
export type LeadsClientResult<K extends keyof LeadsClientOperations> = Awaited<ReturnType<LeadsClientOperations[K]>>;

/** The variables of `client[name](…)`. */
export type LeadsClientVariables<K extends keyof LeadsClientOperations> = NonNullable<Parameters<LeadsClientOperations[K]>[0]>;

type LeadNode = Operations.LeadsQuery['leads']['nodes'][number];
type ContactNode = Operations.ContactsQuery['contacts']['nodes'][number];
type AccountNode = Operations.AccountsQuery['accounts']['nodes'][number];
type OpportunityNode = Operations.OpportunitiesQuery['opportunities']['nodes'][number];
type TimelineNode = NonNullable<Operations.LeadTimelineQuery['lead']>['timeline']['nodes'][number];
type AuditEntryNode = Operations.AuditEntriesQuery['auditEntries']['nodes'][number];

/** Page size for the `paginate*` helpers: 1..100, default 50. */
export interface PageSize {
  pageSize?: number;
}

export interface LeadsClientHelpers {
  /**
   * Runs any typed document (e.g. one of the exported `*Document`s, or your own with
   * `TypedDocumentNode`), with the client's auth, errors, timeouts and retries. Resolves to the
   * whole `data`.
   */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables, options?: CallOptions): Promise<TResult>;
  /** Every lead matching `filter`, in `orderBy` order, fetched a page at a time. */
  paginateLeads(args?: Omit<Operations.LeadsQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<LeadNode, void, undefined>;
  /** Every contact matching `search`. */
  paginateContacts(args?: Omit<Operations.ContactsQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<ContactNode, void, undefined>;
  /** Every account matching `search`. */
  paginateAccounts(args?: Omit<Operations.AccountsQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<AccountNode, void, undefined>;
  /** Every opportunity matching `filter` (state, originating lead). */
  paginateOpportunities(args?: Omit<Operations.OpportunitiesQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<OpportunityNode, void, undefined>;
  /**
   * A lead's notes and activities, newest first, optionally only some `kinds`. Yields nothing
   * for a lead that does not exist or that the caller may not see (the service does not tell
   * them apart).
   */
  paginateLeadTimeline(args: Omit<Operations.LeadTimelineQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<TimelineNode, void, undefined>;
  /** A lead's audit entries, newest first; nothing for a lead that does not exist or is not visible. */
  paginateLeadHistory(args: Omit<Operations.LeadHistoryQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<AuditEntryNode, void, undefined>;
  /** Every audit entry of any entity, newest first, also after the entity was deleted (ADMIN only). */
  paginateAuditEntries(args: Omit<Operations.AuditEntriesQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<AuditEntryNode, void, undefined>;
}

export type LeadsClient = LeadsClientOperations & LeadsClientHelpers;

const DEFAULT_PAGE_SIZE = 50;
const EMPTY_PAGE = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } as const;

/**
 * A client for the leads service.
 *
 * ```ts
 * const client = createLeadsClient({ url: 'https://leads.example.com/graphql', apiKey: process.env.LEADS_API_KEY! });
 * const { lead, userErrors } = await client.createLead({ input: { topic: 'Fleet renewal', lastName: 'Ng' } });
 * ```
 *
 * Methods throw {@link LeadsApiError} for top-level GraphQL errors and transport failures;
 * business-rule failures come back as the payload's `userErrors`.
 */
export function createLeadsClient(options: LeadsClientOptions): LeadsClient {
  const execute = createExecutor(options);
  // The generated methods are typed with the whole `data`; LeadsClientOperations retypes them
  // with the root field that this requester returns.
  const ops = getSdk<CallOptions>(async (doc, variables, callOptions) => {
    const data = await execute<Record<string, unknown>, unknown>(doc, variables, callOptions);
    return data[rootKey(doc)] as never;
  }) as unknown as LeadsClientOperations;

  return {
    ...ops,
    request: (document, variables, callOptions) => execute(document, variables, callOptions),
    paginateLeads: ({ pageSize = DEFAULT_PAGE_SIZE, ...args } = {}, callOptions) =>
      paginate((after) => ops.leads({ ...args, first: pageSize, after }, callOptions)),
    paginateContacts: ({ pageSize = DEFAULT_PAGE_SIZE, ...args } = {}, callOptions) =>
      paginate((after) => ops.contacts({ ...args, first: pageSize, after }, callOptions)),
    paginateAccounts: ({ pageSize = DEFAULT_PAGE_SIZE, ...args } = {}, callOptions) =>
      paginate((after) => ops.accounts({ ...args, first: pageSize, after }, callOptions)),
    paginateOpportunities: ({ pageSize = DEFAULT_PAGE_SIZE, ...args } = {}, callOptions) =>
      paginate((after) => ops.opportunities({ ...args, first: pageSize, after }, callOptions)),
    paginateLeadTimeline: ({ pageSize = DEFAULT_PAGE_SIZE, ...args }, callOptions) =>
      paginate(async (after) => {
        const lead = await ops.leadTimeline({ ...args, first: pageSize, after }, callOptions);
        return lead?.timeline ?? EMPTY_PAGE;
      }),
    paginateLeadHistory: ({ pageSize = DEFAULT_PAGE_SIZE, ...args }, callOptions) =>
      paginate(async (after) => {
        const lead = await ops.leadHistory({ ...args, first: pageSize, after }, callOptions);
        return lead?.history ?? EMPTY_PAGE;
      }),
    paginateAuditEntries: ({ pageSize = DEFAULT_PAGE_SIZE, ...args }, callOptions) =>
      paginate((after) => ops.auditEntries({ ...args, first: pageSize, after }, callOptions)),
  };
}
