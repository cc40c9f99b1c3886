import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ApolloServerPlugin } from '@apollo/server';
import { getNullableType, GraphQLError, isListType, type GraphQLSchema, type ValidationContext } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { ApiErrorCode, badUserInput } from './errors';
import { pageSize } from './pagination';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 15;
/** Each field costs 1; a field with `first` costs its children × `first`. */
export const MAX_COST = 10_000;
/** Ids one qualifyLeads call may name, and ids any other list argument may name. */
export const MAX_QUALIFY_IDS = 1000;
export const MAX_ID_LIST = 100;

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
 * Refuses an operation whose estimated cost is over {@link MAX_COST} once its variables are
 * known, before any resolver runs.
 */
export function costLimitPlugin(schema: GraphQLSchema): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema, query: document, variables: request.variables ?? {}, operationName: operationName ?? undefined,
              estimators: [pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (err) {
            if (err instanceof GraphQLError && err.extensions?.code) throw err;
            // getComplexity coerces the variables first and throws an error without a code
            // when one does not fit its type (an unknown enum value, say): the caller's input.
            throw badUserInput(err instanceof Error ? err.message : String(err));
          }
          if (cost > MAX_COST) {
            throw tooComplex(`The query's estimated cost is ${cost}, over the limit of ${MAX_COST}; ask for smaller pages or fewer nested lists`);
          }
        },
      };
    },
  };
}
