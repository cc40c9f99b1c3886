import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Context } from '../context';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'leads_' });
  }

  /** Times every HTTP request, labelled with the route it matched (not its raw URL). */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.http.startTimer({ method: req.method });
      res.on('finish', () => {
        const route = req.baseUrl ? `${req.baseUrl}${req.route?.path ?? ''}` : (req.route?.path ?? 'unmatched');
        end({ route, status: String(res.statusCode) });
      });
      next();
    };
  }

  /** Counts operations and their userErrors. */
  plugin(): ApolloServerPlugin<Context> {
    const metrics = this;
    return {
      async requestDidStart() {
        let type = 'unknown';
        let field = 'unknown';
        return {
          async didResolveOperation({ operation }) {
            type = operation?.operation ?? 'unknown';
            const first = operation?.selectionSet.selections.find((s) => s.kind === 'Field');
            if (first && first.kind === 'Field') field = first.name.value;
          },
          async willSendResponse({ response }) {
            if (response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            const code = errors?.[0]?.extensions?.code;
            metrics.operations.inc({ type, field, outcome: errors?.length ? String(code ?? 'ERROR') : 'OK' });
            if (type === 'mutation' && data) {
              for (const payload of Object.values(data)) {
                const found = (payload as { userErrors?: { code?: string }[] } | null)?.userErrors ?? [];
                for (const e of found) metrics.userErrors.inc({ field, code: e.code ?? 'UNKNOWN' });
              }
            }
          },
        };
      },
    };
  }
}
