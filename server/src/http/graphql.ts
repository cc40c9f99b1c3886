import http from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { ApiErrorCode, unauthenticated } from '../common/errors';
import { costLimitPlugin, documentTooLarge, limitRules, MAX_TOKENS } from '../common/limits';
import type { Config } from '../config';
import type { Context } from '../context';
import { idempotencyPlugin } from '../idempotency/idempotency.plugin';
import type { Metrics } from '../metrics/metrics';
import type { AuthenticatedRequest } from './authenticate';
import { formatError, HttpError } from './errors';
import { compiledExecution } from './executor';
import { RETRY_AFTER_SECONDS } from '../db/faults';
import { replicaReadsPlugin } from '../db/replicas';
import type { Throttle } from './throttle';


/** Logs unexpected errors in full and stamps every error with the request id. */
const requestIdPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const e of errors) {
          const code = e.extensions?.code;
          if (!code || code === ApiErrorCode.INTERNAL_SERVER_ERROR) {
            contextValue.log.error({ err: e.originalError ?? e, requestId: contextValue.requestId, path: e.path }, 'resolver failed');
          }
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) =>
            ({ ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }));
        }
      },
    };
  },
};

/**
 * A response in which anything failed because the database could not serve (formatError gave
 * it SERVICE_UNAVAILABLE) is that failure as a whole: HTTP 503 with Retry-After and the one
 * top-level error, not a partial answer with a masked internal error. Listed after the
 * idempotency plugin, which decides from the response as executed.
 */
const unavailablePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const failure = response.body.singleResult.errors?.find((e) => e.extensions?.code === ApiErrorCode.SERVICE_UNAVAILABLE);
        if (!failure) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        response.body.singleResult = { errors: [{ message: failure.message, extensions: failure.extensions }] };
      },
    };
  },
};

export interface GraphqlOptions {
  config: Config;
  schema: GraphQLSchema;
  httpServer: http.Server;
  metrics: Metrics;
  throttle: Throttle;
  /** The key Sandbox starts with (the local development database only). */
  sandboxApiKey?: string;
}

/** Apollo Server with the service's limits, error mapping and plugins; started. */
export async function createApollo(opts: GraphqlOptions): Promise<ApolloServer<Context>> {
  const { config, schema, throttle } = opts;
  const apollo = new ApolloServer<Context>({
    // The schema, run by compiled operations rather than graphql-js's execute (executor.ts).
    gateway: compiledExecution(schema, (outcome) => opts.metrics.compiledOperation(outcome)),
    introspection: config.introspection,
    allowBatchedHttpRequests: false,
    // Second line behind documentLimits: Apollo's own parse stops at the same token count.
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: limitRules,
    formatError,
    includeStacktraceInErrorResponses: false,
    // main.ts stops the service on SIGTERM and SIGINT, in order (HTTP, ORM, embedded database).
    // Apollo's own handler called stop() beside it, and in Apollo 5 the second concurrent stop()
    // never returns: shutdown hung until the 10 s fallback exit.
    stopOnTerminationSignals: false,
    // No "Did you mean …?" in production: field names are not told to whoever guesses.
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    plugins: [
      // On stop: no new connections, requests in flight finish (at most SHUTDOWN_TIMEOUT_MS).
      ApolloServerPluginDrainHttpServer({ httpServer: opts.httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
      // Nothing sets cache hints, and the plugin wraps every resolver: a quarter of the throughput.
      ApolloServerPluginCacheControlDisabled(),
      config.introspection
        ? ApolloServerPluginLandingPageLocalDefault({
          includeCookies: false,
          document: '{\n  me { name role }\n  leads(first: 5) { totalCount nodes { topic fullName companyName state } }\n}\n',
          embed: {
            runTelemetry: false,
            initialState: { sharedHeaders: { Authorization: `Bearer ${opts.sandboxApiKey ?? '<your API key>'}` } },
          },
        })
        : ApolloServerPluginLandingPageDisabled(),
      costLimitPlugin<Context>(schema, async (context, cost) => {
        if (!context.apiKeyId) return;
        try {
          await throttle.cost.consume(context.apiKeyId, Math.max(1, cost));
        } catch (err) {
          if (!(err instanceof HttpError)) throw err;
          throw new GraphQLError(err.message, {
            extensions: { code: err.code, http: { status: err.status, headers: new HeaderMap(Object.entries(err.headers).map(([k, v]) => [k.toLowerCase(), v])) } },
          });
        }
      }),
      idempotencyPlugin(schema),
      // Which requests may read from a replica: only with replicas, so that without them a request pays nothing.
      ...(config.databaseReplicaUrls.length > 0 ? [replicaReadsPlugin(config.replicaReadAfterWriteMs)] : []),
      opts.metrics.plugin(schema),
      requestIdPlugin,
      unavailablePlugin,
    ],
  });
  await apollo.start();
  return apollo;
}

/**
 * Refuses a document over the size limits (common/limits.ts) before Apollo validates it:
 * `query` of a JSON body, or of the URL of a GET, read as Apollo reads it.
 */
export const documentLimits: RequestHandler = (req, _res, next) => {
  let source: unknown;
  if (req.method === 'GET') {
    const q = req.originalUrl.indexOf('?');
    source = q < 0 ? null : new URLSearchParams(req.originalUrl.slice(q + 1)).get('query');
  } else {
    source = (req.body as { query?: unknown } | undefined)?.query;
  }
  const refusal = typeof source === 'string' ? documentTooLarge(source) : null;
  next(refusal ? new HttpError(400, ApiErrorCode.QUERY_TOO_COMPLEX, refusal.message) : undefined);
};

/** Runs GraphQL for an authenticated request: its own EntityManager, DataLoaders and actor. */
export function graphqlHandler(apollo: ApolloServer<Context>, orm: MikroORM, log: Logger): RequestHandler {
  return expressMiddleware(apollo, {
    context: async ({ req }): Promise<Context> => {
      const r = req as AuthenticatedRequest;
      // Authentication stops every request without a key before this; should one get here
      // anyway, it runs nothing: the actor is never undefined.
      if (!r.caller) throw unauthenticated();
      // The request's own event manager (its transactions' forks share it) tells whether any
      // of its transactions committed; idempotency keys depend on knowing that.
      const em = orm.em.fork({ freshEventManager: true });
      const writes = { committed: false };
      em.getEventManager().registerSubscriber({ afterTransactionCommit: () => { writes.committed = true; } });
      // The caller as authenticated: a detached User. Services refer to it by id (getReference),
      // so it need not be merged into the request's identity map, which costs a hydration per request.
      let child: Logger | undefined;
      return {
        em, actor: r.actor, apiKeyId: r.apiKeyId, requestId: r.requestId, loaders: new Map(), writes,
        // A child logger only once something is logged: most requests log nothing.
        get log() { return (child ??= log.child({ requestId: r.requestId })); },
      };
    },
  }) as RequestHandler;
}
