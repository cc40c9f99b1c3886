import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type Response } from 'express';
import cors from 'cors';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import type { Context } from './context';
import { ApiErrorCode, unauthenticated } from './common/errors';
import { costLimitPlugin, limitRules } from './common/limits';
import { initOrm } from './db/orm';
import { idempotencyPlugin } from './idempotency/idempotency.plugin';
import { Metrics } from './metrics/metrics';
import { canReadMetrics } from './access/policy';
import { createSchema } from './schema';
import { attachmentRouter } from './timeline/attachment.route';
import { bearerKey, hashApiKey } from './users/api-keys';
import type { User } from './users/user.entity';
import { UserService } from './users/user.service';

export const BODY_LIMIT = '4mb';

export interface AppOptions {
  config: Config;
  databaseUrl: string;
  /** Receives every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  logger?: Logger;
  /**
   * A key that Sandbox starts with, so that a newcomer's first query just works. Only for the
   * local embedded database: the landing page is served without a key.
   */
  sandboxApiKey?: string;
}

export interface App {
  httpServer: http.Server;
  orm: MikroORM;
  log: Logger;
  /** Starts listening on config.port (0 picks a free port) and resolves to the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

type AuthedRequest = Request & { actor?: User; requestId: string };

const errorBody = (message: string, code: string, requestId: string) =>
  ({ errors: [{ message, extensions: { code, requestId } }] });

/** Codes the contract lets through unchanged; anything else is an internal fault. */
const PUBLIC_CODES = new Set<string>([
  ApiErrorCode.UNAUTHENTICATED, ApiErrorCode.FORBIDDEN, ApiErrorCode.BAD_USER_INPUT, ApiErrorCode.QUERY_TOO_COMPLEX,
  ApiErrorCode.THROTTLED, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The one place where errors become what clients see. type-graphql's authorization errors
 * become FORBIDDEN, limit rejections keep QUERY_TOO_COMPLEX, and every unexpected error is
 * masked to INTERNAL_SERVER_ERROR (it was logged in full with the request id).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError ?? error : error;
  const name = (original as Error | undefined)?.constructor?.name;
  if (name === 'AuthorizationError' || name === 'ForbiddenError') {
    return { ...formatted, message: 'You may not run this operation', extensions: { code: ApiErrorCode.FORBIDDEN } };
  }
  if (name === 'AuthenticationError' || name === 'UnauthorizedError') {
    return { ...formatted, message: unauthenticated().message, extensions: { code: ApiErrorCode.UNAUTHENTICATED } };
  }
  const origCode = original instanceof GraphQLError ? original.extensions?.code : undefined;
  const code = String(origCode === ApiErrorCode.QUERY_TOO_COMPLEX ? origCode : formatted.extensions?.code ?? '');
  if (PUBLIC_CODES.has(code)) {
    const { stacktrace: _s, http: _h, ...extensions } = { ...formatted.extensions, code } as Record<string, unknown>;
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path,
    extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } };
}

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

export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const log = opts.logger ?? pino({ level: config.logLevel });
  const orm = await initOrm({ databaseUrl: opts.databaseUrl, poolMax: config.dbPoolMax, onQuery: opts.onQuery });
  const schema = await createSchema();
  const app = express();
  const httpServer = http.createServer(app);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = new Metrics();
  app.use(metrics.httpMiddleware());

  app.use((req, res, next) => {
    const given = req.header('x-request-id');
    (req as AuthedRequest).requestId = given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', (req as AuthedRequest).requestId);
    next();
  });
  app.use(pinoHttp({ logger: log, genReqId: (req) => (req as unknown as AuthedRequest).requestId, autoLogging: { ignore: (req) => req.url === '/healthz' } }));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    try {
      await orm.em.fork().execute('select 1');
      res.json({ status: 'ok' });
    } catch (err) {
      log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    allowBatchedHttpRequests: false,
    validationRules: limitRules,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
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
      costLimitPlugin(schema),
      idempotencyPlugin(schema),
      metrics.plugin(),
      requestIdPlugin,
    ],
  });
  await apollo.start();

  /** The Sandbox landing page: a browser's GET of /graphql without a query. */
  const isLandingPage = (req: Request) =>
    req.baseUrl === '/graphql' && req.method === 'GET' && !('query' in (req.query as object)) && (req.header('accept') ?? '').includes('text/html');

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const r = req as AuthedRequest;
    if (isLandingPage(req)) return next();
    const key = bearerKey(req.header('authorization'));
    const actor = key ? await UserService.authenticate(orm.em.fork(), key) : null;
    if (!actor) {
      res.status(401).json(errorBody(unauthenticated().message, ApiErrorCode.UNAUTHENTICATED, r.requestId));
      return;
    }
    r.actor = actor;
    next();
  };

  const throttle = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    skip: (req) => config.rateLimitPerMinute === 0 || isLandingPage(req),
    keyGenerator: (req) => {
      const key = bearerKey(req.header('authorization'));
      return key ? `key:${hashApiKey(key)}` : `anon:${ipKeyGenerator(req.ip ?? '')}`;
    },
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res) => {
      res.status(429).json(errorBody('Too many requests; slow down and retry after the time in the RateLimit header',
        ApiErrorCode.THROTTLED, (req as AuthedRequest).requestId));
    },
  });

  // Browsers — frontends, and the embedded Sandbox, which runs on Apollo's own origin — call
  // across origins. Keys travel in the Authorization header, never in cookies, so allowing an
  // origin lets it send only what its user's key allows.
  const crossOrigin = cors({
    origin: config.corsOrigins === true ? '*' : config.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Apollo-Require-Preflight',
      'X-Apollo-Operation-Name', 'Apollographql-Client-Name', 'Apollographql-Client-Version'],
    exposedHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'Content-Disposition'],
    maxAge: 600,
  });

  app.use(
    '/graphql',
    crossOrigin,
    throttle,
    // Who is calling is decided from the headers alone, before the body is read: without a
    // valid key nothing else is looked at, and the answer is always UNAUTHENTICATED.
    authenticate,
    express.json({ limit: BODY_LIMIT }),
    (err: Error & { type?: string; status?: number }, req: Request, res: Response, next: NextFunction) => {
      if (!err) return next();
      const requestId = (req as AuthedRequest).requestId;
      if (err.type === 'entity.too.large') {
        res.status(413).json(errorBody(`The request body is over ${BODY_LIMIT}`, ApiErrorCode.BAD_USER_INPUT, requestId));
      } else {
        res.status(400).json(errorBody('The request body is not valid JSON', ApiErrorCode.BAD_USER_INPUT, requestId));
      }
    },
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<Context> => {
        const r = req as AuthedRequest;
        // The request's own event manager (its transactions' forks share it) tells whether any
        // of its transactions committed; idempotency keys depend on knowing that.
        const em = orm.em.fork({ freshEventManager: true });
        const writes = { committed: false };
        em.getEventManager().registerSubscriber({ afterTransactionCommit: () => { writes.committed = true; } });
        return { em, actor: r.actor as User, requestId: r.requestId, log: log.child({ requestId: r.requestId }), loaders: new Map(), writes };
      },
    }),
  );

  app.use('/attachments', crossOrigin, throttle, authenticate, attachmentRouter(orm));

  // Prometheus scrapes with an ADMIN key (bearer_token in its scrape config).
  app.get('/metrics', throttle, authenticate, async (req, res) => {
    const r = req as AuthedRequest;
    if (!r.actor || !canReadMetrics(r.actor)) {
      res.status(403).json(errorBody('Metrics need an ADMIN key', ApiErrorCode.FORBIDDEN, r.requestId));
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });

  app.use((req, res) => { res.status(404).json({ error: 'not found' }); });

  let stopped = false;
  return {
    httpServer,
    orm,
    log,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          resolve(`http://${host}:${port}`);
        });
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await orm.close(true);
    },
  };
}
