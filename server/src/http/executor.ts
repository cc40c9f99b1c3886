import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute, getNamedType, getNullableType, GraphQLError, isInputObjectType, isListType, Kind, printSchema, TypeInfo, typeFromAST,
  valueFromAST, visit, visitWithTypeInfo, type DocumentNode, type ExecutionResult, type GraphQLInputType, type GraphQLSchema,
  type OperationDefinitionNode, type ValueNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery, type CompilerOptions } from 'graphql-jit';
import type { Context } from '../context';

/**
 * Runs every GraphQL operation as a function compiled for it by graphql-jit, instead of
 * graphql-js's `execute` walking the document for every response. On the list query (a page of
 * leads with their owners, stakeholders and contacts) that took 24% off the server's CPU per
 * request and added 27% to its throughput, measured side by side (docs/performance.md, item 12).
 *
 * Apollo Server has one door for another executor: a gateway. This one serves the schema as it
 * is; Apollo still parses, validates (with our rules), caches documents, runs every plugin hook
 * that a request without a gateway runs except `willResolveField` (none of ours has one), and
 * formats errors. What the executor owes Apollo is graphql-js's result, error for error:
 *
 * - An operation is compiled once, on its first request, and kept as long as Apollo keeps the
 *   parsed document (its document store is a bounded LRU cache; the compiled operations hang
 *   off its DocumentNodes in a WeakMap, so they go when it drops them).
 * - graphql-jit reads a field without a resolver as a plain value, where graphql-js would await
 *   a promise or call a function: such fields must have a resolver (`simple: false`, as
 *   Connection.totalCount has), and a type's `resolveType` must not return a promise
 *   (common/direct-resolvers.ts).
 * - Errors come back as graphql-js makes them ({@link located}): graphql-jit's own errors
 *   carry no `extensions` when the original has none, on which Apollo's formatting fails
 *   before our `formatError` sees them (a database fault would be a masked 500 instead of 503).
 * - Variables that do not fit their types are answered by graphql-js itself, which also runs
 *   whatever graphql-jit cannot run as graphql-js would ({@link compile}); its answer carries
 *   the variable's node, by which Apollo makes it BAD_USER_INPUT with status 400.
 */
export function compiledExecution(schema: GraphQLSchema, observe?: (outcome: CompileOutcome) => void): Gateway {
  const operations = new WeakMap<OperationDefinitionNode, Run>();
  const executor: Executor = async ({ document, operation, request, context }) => {
    // Unknown or ambiguous operation name: graphql-js's error, which Apollo reports as such.
    if (!operation) return execute({ schema, document, contextValue: context, variableValues: request.variables, operationName: request.operationName });
    let run = operations.get(operation);
    if (!run) {
      const compiled = compile(schema, document, operation);
      observe?.(compiled.outcome);
      operations.set(operation, run = compiled.run);
    }
    return run(context as Context, request.variables);
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {
      // Nothing to release: the compiled operations go with Apollo's documents.
    },
  };
}

/** Whether an operation was compiled, or is run by graphql-js (see {@link compile}). */
export type CompileOutcome = 'compiled' | 'fallback';

type Gateway = NonNullable<ApolloServerOptionsWithGateway<Context>['gateway']>;
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type Run = (context: Context, variables: Record<string, unknown> | undefined) => ExecutionResult | Promise<ExecutionResult>;

const OPTIONS: Partial<CompilerOptions> = {
  // Leaves go through their type's serialize, as in graphql-js: an Int from a COUNT's string,
  // an enum's internal value to its name, a DateTime to its ISO string.
  disableLeafSerialization: false,
  // Apollo writes the response itself.
  customJSONSerializer: false,
  // Without it, a fragment spread in two places under different @skip/@include takes the
  // conditions of both (graphql-jit #166).
  useExperimentalPathBasedSkipInclude: true,
  // Its errors are rebuilt ({@link located}), with the original error's stack.
  disablingCapturingStackErrors: true,
};

/**
 * The operation as a function, or graphql-js's `execute` for it where graphql-jit would not run
 * it as graphql-js does ({@link differences}): always, when compiling fails or the operation has
 * something graphql-jit gets wrong; for a request, when it leaves out a variable whose absence
 * graphql-jit gets wrong. graphql-jit compiles a copy of the document: it marks the nodes it
 * compiles (@skip/@include conditions), and Apollo's document is shared by every request and by
 * the other operations in it.
 */
function compile(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): { run: Run; outcome: CompileOutcome } {
  const operationName = operation.name?.value;
  const fallback: Run = (contextValue, variableValues) => execute({ schema, document, contextValue, variableValues, operationName });
  const wanted = differences(schema, document, operation);
  if (!wanted) return { run: fallback, outcome: 'fallback' };
  let compiled: CompiledQuery | ExecutionResult;
  try {
    compiled = compileQuery(schema, copyOf(document), operationName, OPTIONS);
  } catch {
    return { run: fallback, outcome: 'fallback' };
  }
  if (!isCompiledQuery(compiled)) return { run: fallback, outcome: 'fallback' };
  const query = compiled.query;
  const run: Run = (context, variables) => {
    if (wanted.length > 0 && wanted.some((name) => variables?.[name] === undefined)) return fallback(context, variables);
    const result = query(undefined, context, variables);
    if (isPromiseLike(result)) return result.then(located);
    // Refused variables (a result without `data`): nothing ran yet. graphql-js refuses them in
    // its own words, or runs the request where only graphql-jit is stricter (a scalar that
    // reads NaN); graphql-jit accepts no variables that graphql-js refuses.
    if (!('data' in result)) return fallback(context, variables);
    return located(result);
  };
  return { run, outcome: 'compiled' };
}

/**
 * Where graphql-jit would run the operation otherwise than graphql-js. Returns null when it
 * would for any variables:
 *
 * - a variable's default, or an input field's default under a variable, that JSON does not
 *   carry as it is (a DateTime's Date): graphql-jit writes them into its code as JSON;
 * - a variable inside the literal of a scalar (`json: { a: $x }`): graphql-jit reads such a
 *   literal once, when compiling, without variables;
 * - an input type with @oneOf, which graphql-jit does not check.
 *
 * Otherwise returns the variables that must be given for graphql-jit to be right: a nullable
 * one without a default in a field of an input object literal (`{ email: $email }`). Left out,
 * graphql-js leaves the field out, and graphql-jit sets it to null, which for an update means
 * "clear" rather than "keep".
 */
function differences(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string[] | null {
  const definitions = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
  const seen = new Set<string>();
  const inputsKeep = (type: GraphQLInputType): boolean => {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return true;
    seen.add(named.name);
    if (named.isOneOf) return false;
    return Object.values(named.getFields()).every((f) => (f.defaultValue === undefined || keepsInJson(f.defaultValue)) && inputsKeep(f.type));
  };
  for (const d of definitions.values()) {
    const type = typeFromAST(schema, d.type) as GraphQLInputType | undefined;
    if (!type || !inputsKeep(type) || (d.defaultValue && !keepsInJson(valueFromAST(d.defaultValue, type)))) return null;
  }
  const wanted = new Set<string>();
  let scalarHoldsVariable = false;
  const walk = (value: ValueNode, type: GraphQLInputType): void => {
    if (value.kind === Kind.VARIABLE) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      for (const item of value.kind === Kind.LIST ? value.values : [value]) walk(item, nullable.ofType);
    } else if (isInputObjectType(nullable)) {
      if (value.kind !== Kind.OBJECT) return;
      const fields = nullable.getFields();
      for (const f of value.fields) {
        const field = fields[f.name.value];
        if (!field) continue;
        if (f.value.kind !== Kind.VARIABLE) {
          walk(f.value, field.type);
          continue;
        }
        const d = definitions.get(f.value.name.value);
        if (d && d.type.kind !== Kind.NON_NULL_TYPE && !d.defaultValue) wanted.add(f.value.name.value);
      }
    } else if (holdsVariable(value)) {
      scalarHoldsVariable = true;
    }
  };
  const typeInfo = new TypeInfo(schema);
  visit(document, visitWithTypeInfo(typeInfo, {
    Argument(node) {
      const argument = typeInfo.getArgument();
      if (argument) walk(node.value, argument.type);
    },
  }));
  return scalarHoldsVariable ? null : [...wanted];
}

function holdsVariable(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.VARIABLE: return true;
    case Kind.LIST: return value.values.some(holdsVariable);
    case Kind.OBJECT: return value.fields.some((f) => holdsVariable(f.value));
    default: return false;
  }
}

/**
 * The result with graphql-js's errors: as `locatedError` makes them, with the located error
 * thrown by a resolver kept as it is, the original error's `extensions`, and the same
 * message, path and locations.
 */
function located(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((e) => {
      const original = e.originalError;
      if (original instanceof GraphQLError && original.path) return original;
      const error = new GraphQLError(e.message, { path: e.path, originalError: original instanceof Error ? original : undefined });
      // graphql-js computes locations from the nodes, which graphql-jit's error no longer has.
      (error as { locations?: GraphQLError['locations'] }).locations = original instanceof GraphQLError && original.locations ? original.locations : e.locations;
      return error;
    }),
  };
}

/** A copy of every node of the document (locations shared), for graphql-jit to mark. */
function copyOf(document: DocumentNode): DocumentNode {
  return visit(document, { enter: (node) => ({ ...node }) });
}

function keepsInJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(keepsInJson);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === null || proto === Object.prototype) && Object.values(value).every(keepsInJson);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
