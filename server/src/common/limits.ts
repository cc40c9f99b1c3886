import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNullableType, GraphQLError, isListType, parse, visit, type DocumentNode, type GraphQLSchema, type ValidationContext,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import { ApiErrorCode, badUserInput } from './errors';
import { pageSize } from './pagination';
import { MAX_ATTACHMENT_BYTES } from '../timeline/attachment.content';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
/** Each field costs 1; a field with `first` costs its children × `first`. */
export const MAX_COST = 10_000;
/**
 * Bounds on the document itself, checked before it is validated: GraphQL validation is
 * quadratic in the fields (and fragments) of a selection set (10,000 repeated fields take seconds of CPU), so
 * a document is refused by size first. At these limits the slowest document validates in about
 * 25 ms. The SDK's largest operation with its fragments selects 118 fields; all its operations
 * together have 1,286 tokens and 29 operations.
 */
export const MAX_TOKENS = 3000;
/** Field selections and fragment spreads (inline or named), as written in the document. */
export const MAX_SELECTIONS = 200;
export const MAX_OPERATIONS = 10;
/**
 * Attachment content a response may carry: 60 MiB, 30 attachments of the largest size. Each
 * `contentBase64` costs its share of {@link MAX_COST}, so that a page of 100 attachments, or 15
 * aliases of such pages, is refused before anything runs, while a timeline page of 25 fits.
 */
export const MAX_CONTENT_BYTES_PER_RESPONSE = 60 * 1024 * 1024;
/** Fields that return large data, by `Type.field`, and what each costs instead of 1. */
export const FIELD_WEIGHTS: Record<string, number> = {
  'Attachment.contentBase64': Math.ceil((MAX_COST * MAX_ATTACHMENT_BYTES) / MAX_CONTENT_BYTES_PER_RESPONSE),
};
/** Ids one qualifyLeads call may name, and ids any other list argument may name. */
export const MAX_QUALIFY_IDS = 1000;
export const MAX_ID_LIST = 100;
/** Rows one importLeads call may hold. */
export const MAX_IMPORT_ROWS = 5000;

/**
 * A list argument over its limit is refused as a whole, like `first: 1000`: a top-level
 * BAD_USER_INPUT before any data is read.
 */
export function assertListLimit(list: readonly unknown[], max: number, argument: string): void {
  if (list.length > max) throw badUserInput(`"${argument}" may name at most ${max} items; got ${list.length}`, argument);
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApiErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

/** Reports armor's rejections with the contract's code instead of a "Syntax Error". */
const reject = [(ctx: ValidationContext | null, error: GraphQLError) => {
  ctx?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, '')));
}];

/**
 * Checks a document's size before it is validated or run: at most {@link MAX_TOKENS} tokens
 * (the parser stops counting there), {@link MAX_SELECTIONS} selections (fields and fragment spreads) as written and
 * {@link MAX_OPERATIONS} operations. Returns the refusal, or null when the document fits or
 * does not parse (Apollo reports syntax errors itself).
 */
export function documentTooLarge(source: string): GraphQLError | null {
  if (fittingDocuments.get(source)) return null;
  const refusal = measureDocument(source);
  if (!refusal) fittingDocuments.set(source, true);
  return refusal;
}

/**
 * Documents already found to fit, by their text: clients send the same few documents again and
 * again, and parsing each one anew to count it cost about 2% of a list request's CPU. At most
 * 4 Mi characters of documents are kept, the least recently used leaving first.
 */
const fittingDocuments = new LRUCache<string, true>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (_v, source) => Math.max(1, source.length) });

function measureDocument(source: string): GraphQLError | null {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: MAX_TOKENS, noLocation: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    return /Document contains more tha[nt] \d+ tokens/.test(message)
      ? tooComplex(`The document has more than ${MAX_TOKENS} tokens, the limit`) : null;
  }
  let selections = 0;
  let operations = 0;
  const select = () => { selections += 1; };
  visit(document, { Field: select, FragmentSpread: select, InlineFragment: select, OperationDefinition() { operations += 1; } });
  if (selections > MAX_SELECTIONS) {
    return tooComplex(`The document has ${selections} field selections and fragment spreads, over the limit of ${MAX_SELECTIONS}`);
  }
  if (operations > MAX_OPERATIONS) return tooComplex(`The document has ${operations} operations, over the limit of ${MAX_OPERATIONS}`);
  return null;
}

/** Validation rules for depth and aliases; they run before anything executes. */
export const limitRules = [
  maxDepthRule({ n: MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true, onReject: reject, propagateOnRejection: false }),
  maxAliasesRule({ n: MAX_ALIASES, onReject: reject, propagateOnRejection: false }),
];

/** What a plain list (a lead's stakeholders, say) is taken to hold, for its cost. */
export const ASSUMED_LIST_SIZE = 10;

/**
 * A connection field multiplies its children's cost by the page size asked for; a plain list
 * by {@link ASSUMED_LIST_SIZE}, so that lists nested in pages are not free.
 */
const pagedEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const weight = FIELD_WEIGHTS[`${type.name}.${field.name}`];
  if (weight !== undefined) return weight + childComplexity;
  if (!field.args.some((a) => a.name === 'first')) {
    // A connection's edges and nodes are the page already counted by its `first`.
    const paged = type.name.endsWith('Connection');
    return !paged && isListType(getNullableType(field.type)) && childComplexity > 0 ? 1 + childComplexity * ASSUMED_LIST_SIZE : undefined;
  }
  // Checked here as well as in the resolver, so that `first: 1000` is reported as the
  // out-of-range argument it is rather than as a query that costs too much.
  const first = pageSize(typeof args.first === 'number' ? args.first : null);
  return 1 + childComplexity * first;
};

/**
 * Costs already worked out, by document (Apollo hands out the same parsed document object for
 * the same text while it keeps it cached) and then by operation name and variables: walking
 * the document with the schema's types for every request cost about 2% of a list request's
 * CPU. Variables longer than {@link COST_CACHE_MAX_VARIABLES} characters of JSON (an import's
 * rows, say) are not kept; each document keeps at most 100 costs.
 */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
const COST_CACHE_MAX_VARIABLES = 1024;

function costOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number {
  const json = JSON.stringify(variables);
  const key = json.length <= COST_CACHE_MAX_VARIABLES ? `${operationName ?? ''}\n${json}` : null;
  let known = costs.get(document);
  const cached = key === null ? undefined : known?.get(key);
  if (cached !== undefined) return cached;
  let cost: number;
  try {
    cost = getComplexity({
      schema, query: document, variables, operationName,
      estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions?.code) throw err;
    // getComplexity coerces the variables first and throws an error without a code
    // when one does not fit its type (an unknown enum value, say): the caller's input.
    throw badUserInput(err instanceof Error ? err.message : String(err));
  }
  if (key !== null) {
    if (!known) costs.set(document, known = new Map());
    if (known.size >= 100) known.clear();
    known.set(key, cost);
  }
  return cost;
}

/**
 * Refuses an operation whose estimated cost is over {@link MAX_COST} once its variables are
 * known, before any resolver runs; then `spend` charges the cost to the caller's budget (and
 * may refuse it in turn).
 */
export function costLimitPlugin<C extends BaseContext>(schema: GraphQLSchema, spend?: (context: C, cost: number) => Promise<void>): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName, contextValue }) {
          const cost = costOf(schema, document, operationName ?? undefined, request.variables ?? {});
          if (cost > MAX_COST) {
            throw tooComplex(`The query's estimated cost is ${cost}, over the limit of ${MAX_COST}; ask for smaller pages or fewer nested lists`);
          }
          await spend?.(contextValue, cost);
        },
      };
    },
  };
}
