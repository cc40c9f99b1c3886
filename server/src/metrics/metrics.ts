import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { UserErrorCode } from '../common/enums';
import { PUBLIC_CODES } from '../http/errors';
import type { CompileOutcome } from '../http/executor';
import type { Context } from '../context';

/** The routes, as labels; anything else is `unmatched`. */
export const ROUTES = ['/graphql', '/attachments/:id', '/healthz', '/readyz', '/metrics', '/forms/:formKey'] as const;
export type Route = (typeof ROUTES)[number];

/** Marks the requests of a mounted path with its route label (case-sensitive routing: exact). */
export function routeLabel(route: Route): RequestHandler {
  return (_req, res, next) => {
    res.locals.route = route;
    next();
  };
}

const USER_ERROR_CODES = new Set<string>(Object.values(UserErrorCode));

/** The response keys under which `selection` selects the schema field `name`, through fragments. */
function responseKeys(set: SelectionSetNode | undefined, name: string, fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>()): { key: string; selectionSet?: SelectionSetNode }[] {
  if (!set) return [];
  return set.selections.flatMap((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value === name ? [{ key: sel.alias?.value ?? name, selectionSet: sel.selectionSet }] : [];
    if (sel.kind === Kind.INLINE_FRAGMENT) return responseKeys(sel.selectionSet, name, fragments, seen);
    const fragment = fragments.get(sel.name.value);
    if (!fragment || seen.has(sel.name.value)) return [];
    seen.add(sel.name.value);
    return responseKeys(fragment.selectionSet, name, fragments, seen);
  });
}

/**
 * The codes of the userErrors in a mutation's response data, found by the schema's field
 * names (`userErrors`, `code`) under whatever aliases the request gave them, and kept only
 * when they are values of UserErrorCode: a label never comes from what a client wrote.
 */
function userErrorCodes(document: DocumentNode, operation: OperationDefinitionNode, data: Record<string, unknown>): { field: string; code: string }[] {
  const fragments = new Map(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const out: { field: string; code: string }[] = [];
  for (const root of operation.selectionSet.selections) {
    if (root.kind !== Kind.FIELD) continue;
    const payload = data[root.alias?.value ?? root.name.value];
    if (!payload || typeof payload !== 'object') continue;
    for (const list of responseKeys(root.selectionSet, 'userErrors', fragments)) {
      const errors = (payload as Record<string, unknown>)[list.key];
      if (!Array.isArray(errors)) continue;
      const codeKeys = responseKeys(list.selectionSet, 'code', fragments).map((c) => c.key);
      for (const e of errors) {
        const code = codeKeys.map((k) => (e as Record<string, unknown> | null)?.[k]).find((v) => typeof v === 'string' && USER_ERROR_CODES.has(v));
        if (typeof code === 'string') out.push({ field: root.name.value, code });
      }
    }
  }
  return out;
}

/**
 * Prometheus metrics of one app: the process's own (memory, event-loop lag, GC), HTTP
 * requests by route and status, and GraphQL operations by root field and outcome. Labels come
 * from the schema and the routes only, never from what a client names, so that their number
 * stays bounded.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly http = new Histogram({
    name: 'leads_http_request_duration_seconds', help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly operations = new Counter({
    name: 'leads_graphql_operations_total', help: 'GraphQL operations by type, first root field and outcome',
    labelNames: ['type', 'field', 'outcome'] as const, registers: [this.registry],
  });

  private readonly userErrors = new Counter({
    name: 'leads_graphql_user_errors_total', help: 'userErrors returned by mutations, by root field and code',
    labelNames: ['field', 'code'] as const, registers: [this.registry],
  });

  private readonly compilations = new Counter({
    name: 'leads_graphql_compilations_total',
    help: 'GraphQL operations compiled on their first request (compiled), or left to graphql-js (fallback)',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'leads_' });
  }

  /**
   * Counts an operation compiled for the executor (http/executor.ts): one per distinct
   * document Apollo keeps, so that a rate that does not settle means documents that keep
   * changing (values written into the query text instead of variables).
   */
  compiledOperation(outcome: CompileOutcome): void {
    this.compilations.inc({ outcome });
  }

  /**
   * Times every HTTP request, labelled with its method (GET, POST, OPTIONS or OTHER) and the
   * route template a module marked it with ({@link routeLabel}), never its raw URL.
   */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const method = ['GET', 'POST', 'OPTIONS', 'HEAD'].includes(req.method) ? req.method : 'OTHER';
      const end = this.http.startTimer({ method });
      res.on('finish', () => {
        const route = ROUTES.includes(res.locals.route as Route) ? (res.locals.route as Route) : 'unmatched';
        end({ route, status: String(res.statusCode) });
      });
      next();
    };
  }

  /**
   * Counts operations and their userErrors. Labels are names of the schema (the first root
   * field, which validation has checked exists), the contract's codes and UserErrorCode values.
   */
  plugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
    const metrics = this;
    const rootFields = (type: string) => {
      const root = type === 'mutation' ? schema.getMutationType() : type === 'query' ? schema.getQueryType() : null;
      return new Set(Object.keys(root?.getFields() ?? {}));
    };
    const known = { query: rootFields('query'), mutation: rootFields('mutation') };
    return {
      async requestDidStart() {
        let type = 'unknown';
        let field = 'unknown';
        let document: DocumentNode | undefined;
        let operation: OperationDefinitionNode | undefined;
        return {
          async didResolveOperation(ctx) {
            operation = ctx.operation ?? undefined;
            document = ctx.document;
            type = operation?.operation === 'query' || operation?.operation === 'mutation' ? operation.operation : 'unknown';
            const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
            const name = first?.kind === Kind.FIELD ? first.name.value : undefined;
            field = name && (known as Record<string, Set<string>>)[type]?.has(name) ? name : name === '__typename' ? name : 'unknown';
          },
          async willSendResponse({ response }) {
            if (response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            const code = String(errors?.[0]?.extensions?.code ?? 'ERROR');
            const outcome = !errors?.length ? 'OK' : PUBLIC_CODES.has(code) || code === 'INTERNAL_SERVER_ERROR' ? code : 'ERROR';
            metrics.operations.inc({ type, field, outcome });
            if (type === 'mutation' && data && document && operation) {
              for (const e of userErrorCodes(document, operation, data)) metrics.userErrors.inc(e);
            }
          },
        };
      },
    };
  }
}
