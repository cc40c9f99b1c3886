import type { DocumentNode } from 'graphql';
import type * as Operations from './generated/graphql.js';
import { getSdk } from './generated/sdk.js';
import type { OperationDocs } from './generated/operation-docs.js';
import { paginate, type ConnectionPage } from './paginate.js';
import type { Checked } from './results.js';
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
 * The record fields a mutation's payload sets when it succeeds (its `userErrors` is empty):
 * `isOk(payload)` narrows them to non-null.
 */
interface RecordFields {
  createLead: 'lead';
  updateLead: 'lead';
  deleteLead: 'deletedLeadId';
  assignLeads: never;
  disqualifyLead: 'lead';
  reactivateLead: 'lead';
  mergeLeads: 'lead';
  addStakeholder: 'stakeholder' | 'lead';
  updateStakeholderRole: 'stakeholder';
  removeStakeholder: 'removedStakeholderId';
  addNote: 'note';
  logActivity: 'activity';
  completeActivity: 'activity';
  cancelActivity: 'activity';
  setLeadStatus: 'lead';
  updateNote: 'note';
  deleteNote: 'deletedNoteId';
  createContact: 'contact';
  qualifyLeads: never;
  importLeads: never;
}

type Root<K extends keyof Sdk> = RootField<Awaited<ReturnType<Sdk[K]>>>;

/** A method's result: the root field, as a {@link Checked} union for mutations. */
type Result<K extends keyof Sdk> = K extends keyof RecordFields
  ? Root<K> extends infer P extends { userErrors: ReadonlyArray<any> } ? Checked<P, RecordFields[K] & keyof P> : Root<K>
  : Root<K>;

type QualifyInput = Operations.QualifyLeadsMutationVariables['input'];
type QualifyPayload = Root<'qualifyLeads'>;
type QualifyResult = QualifyPayload['results'][number];

/**
 * Whether a qualifyLeads call with input `I` gives every lead it qualifies an opportunity: not a
 * dry run (which creates nothing) and not `createOpportunity: false`. Decided from the input's
 * type, so a literal `{ leadIds, currencyCode }` qualifies and a `dryRun: boolean` does not.
 */
type MakesOpportunities<I> = [Option<I, 'dryRun'>] extends [false | null | undefined]
  ? ([Option<I, 'createOpportunity'>] extends [true | null | undefined] ? true : false)
  : false;
/** The type of option `K` in input `I`; `undefined` when `I` has no such key. */
type Option<I, K extends string> = K extends keyof I ? I[K] : undefined;

/**
 * What `qualifyLeads` resolves to: each result is a {@link Checked} union whose succeeded member
 * has its `lead` — and, when the input makes opportunities, its `opportunity` — non-null.
 */
export type QualifyLeadsResultFor<I = QualifyInput> = Checked<{
  [F in keyof QualifyPayload]: F extends 'results'
    ? Array<Checked<QualifyResult, MakesOpportunities<I> extends true ? 'lead' | 'opportunity' : 'lead'>>
    : QualifyPayload[F];
}>;

type Method<K extends keyof Sdk> = (...args: Parameters<Sdk[K]>) => Promise<Result<K>>;

/**
 * One method per operation of the service: `client.createLead({ input })` resolves to the
 * `CreateLeadPayload`, `client.lead({ id })` to the lead or null. Each method's documentation
 * comes from the schema's description of its root field.
 */
export type LeadsClientOperations = {
  [K in keyof OperationDocs]: K extends 'qualifyLeads'
    ? <V extends Operations.QualifyLeadsMutationVariables>(variables: V, options?: CallOptions) => Promise<QualifyLeadsResultFor<V['input']>>
    : K extends keyof Sdk ? Method<K> : never;
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
type UserNode = Operations.UsersQuery['users']['nodes'][number];

/** Page size for the `paginate*` helpers. */
export interface PageSize {
  /**
   * Items fetched per request, default 50. The service serves at most 100 per request: a larger
   * size is fetched 100 at a time (the helper yields every item either way). A size below 1 or
   * not a whole number is a `RangeError`.
   */
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
  /** Every user matching `search` and `role`, by name (nothing for a PARTNER). */
  paginateUsers(args?: Omit<Operations.UsersQueryVariables, 'first' | 'after'> & PageSize, options?: CallOptions): AsyncGenerator<UserNode, void, undefined>;
}

export type LeadsClient = LeadsClientOperations & LeadsClientHelpers;

const DEFAULT_PAGE_SIZE = 50;
/** The largest `first` the service accepts. */
export const MAX_PAGE_SIZE = 100;

/** `pageSize` as the `first` of each request: whole, at least 1, at most 100. */
function first(pageSize: number | undefined): number {
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`pageSize must be a whole number of at least 1 (got ${String(pageSize)})`);
  }
  return Math.min(size, MAX_PAGE_SIZE);
}
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

  /** Checks the page size at once (not at the first iteration), then walks the connection. */
  function paginateWith<T>(pageSize: number | undefined, fetchPage: (size: number, after: string | null) => Promise<ConnectionPage<T>>) {
    const size = first(pageSize);
    return paginate((after) => fetchPage(size, after));
  }

  return {
    ...ops,
    request: (document, variables, callOptions) => execute(document, variables, callOptions),
    paginateLeads: ({ pageSize, ...args } = {}, callOptions) =>
      paginateWith(pageSize, (size, after) => ops.leads({ ...args, first: size, after }, callOptions)),
    paginateContacts: ({ pageSize, ...args } = {}, callOptions) =>
      paginateWith(pageSize, (size, after) => ops.contacts({ ...args, first: size, after }, callOptions)),
    paginateAccounts: ({ pageSize, ...args } = {}, callOptions) =>
      paginateWith(pageSize, (size, after) => ops.accounts({ ...args, first: size, after }, callOptions)),
    paginateOpportunities: ({ pageSize, ...args } = {}, callOptions) =>
      paginateWith(pageSize, (size, after) => ops.opportunities({ ...args, first: size, after }, callOptions)),
    paginateLeadTimeline: ({ pageSize, ...args }, callOptions) =>
      paginateWith(pageSize, async (size, after) => {
        const lead = await ops.leadTimeline({ ...args, first: size, after }, callOptions);
        return lead?.timeline ?? EMPTY_PAGE;
      }),
    paginateLeadHistory: ({ pageSize, ...args }, callOptions) =>
      paginateWith(pageSize, async (size, after) => {
        const lead = await ops.leadHistory({ ...args, first: size, after }, callOptions);
        return lead?.history ?? EMPTY_PAGE;
      }),
    paginateAuditEntries: ({ pageSize, ...args }, callOptions) =>
      paginateWith(pageSize, (size, after) => ops.auditEntries({ ...args, first: size, after }, callOptions)),
    paginateUsers: ({ pageSize, ...args } = {}, callOptions) =>
      paginateWith(pageSize, (size, after) => ops.users({ ...args, first: size, after }, callOptions)),
  };
}
