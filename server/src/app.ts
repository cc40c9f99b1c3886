import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { initOrm } from './db/orm';
import { authenticate } from './http/authenticate';
import { crossOrigin } from './http/cors';
import { errorHandler, notFoundHandler } from './http/errors';
import { webForms } from './http/forms';
import { jsonBody } from './http/body';
import { createApollo, documentLimits, graphqlHandler } from './http/graphql';
import { healthRoutes } from './http/health';
import { rootRoute } from './http/root';
import { landingPage } from './http/landing-page';
import { createLogger, requestId, requestLogging } from './http/logging';
import { metricsRoute } from './http/metrics-route';
import { securityHeaders } from './http/security-headers';
import { Throttle } from './http/throttle';
import { Metrics, routeLabel } from './metrics/metrics';
import { createSchema } from './schema';
import { attachmentRouter } from './timeline/attachment.route';
import { ApiKeyCache } from './users/api-key-cache';

export { BODY_LIMIT } from './http/body';
export { formatError } from './http/errors';

export interface AppOptions {
  config: Config;
  databaseUrl: string;
  /** Receives every SQL statement of the ORM (tests count them). */
  onQuery?: (sql: string) => void;
  logger?: Logger;
  /**
   * A key that Sandbox starts with, so that a newcomer's first query just works. Only for the
   * local embedded database: the page is then served only to loopback Host names.
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

/**
 * The HTTP service: the modules of `http/`, in the order a request meets them. Each does one
 * job and hands every failure to the one error mapping at the end (http/errors.ts).
 */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const log = opts.logger ?? createLogger(config.logLevel);
  const orm = await initOrm({ databaseUrl: opts.databaseUrl, replicaUrls: config.databaseReplicaUrls, poolMax: config.dbPoolMax, onQuery: opts.onQuery, timeouts: config.db, log });
  const schema = await createSchema();
  const app = express();
  const httpServer = http.createServer(app);
  // `/GRAPHQL` is not `/graphql`: one spelling per route, and one metrics label.
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  // No ETag: Express would hash every GraphQL answer (a POST, which nothing caches) to make one.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');

  const metrics = new Metrics();
  const throttle = Throttle.create(config, opts.databaseUrl, log);
  const keys = new ApiKeyCache(orm, config.apiKeyCacheMs, log);
  await keys.listen(opts.databaseUrl);
  const apollo = await createApollo({ config, schema, httpServer, metrics, throttle, sandboxApiKey: opts.sandboxApiKey });

  app.use(metrics.httpMiddleware());
  // 1. a request id, and a log line when it ends
  app.use(requestId, requestLogging(log));
  // 2. security headers on every answer
  app.use(securityHeaders());
  // health checks: no key, no throttle
  app.use(healthRoutes(orm, log));
  // GET /: where the API, Sandbox and health checks are (no key, none shown)
  app.use(rootRoute(config));
  app.use('/graphql', routeLabel('/graphql'));
  app.use('/attachments', routeLabel('/attachments/:id'));
  app.use('/metrics', routeLabel('/metrics'));
  app.use('/forms', routeLabel('/forms/:formKey'));
  // the Sandbox page, when Apollo itself would serve it: the one answer without a key, no CORS
  app.use('/graphql', landingPage(apollo, { embedsKey: !!opts.sandboxApiKey }));
  // web-to-lead forms: the form key in the path is the credential; no CORS, no API key
  app.use('/forms', webForms(orm, throttle));
  // 3. CORS for browser callers (preflights end here)
  app.use(['/graphql', '/attachments'], crossOrigin(config));
  // 4. authentication from the headers alone, with the per-client limit on failures
  app.use(authenticate(keys, throttle));
  // 5. per-key throttling (the cost budget is spent once an operation's cost is known)
  app.use(throttle.perKey());
  // 6. body parsing, 7. GraphQL (documents over the size limits are refused before validation)
  app.use('/graphql', jsonBody(), documentLimits, graphqlHandler(apollo, orm, log));
  // 8. attachments
  app.use('/attachments', attachmentRouter(orm));
  // 9. metrics, for ADMIN keys
  app.use(metricsRoute(metrics));
  app.use(notFoundHandler);
  app.use(errorHandler(log));

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
      await keys.stop();
      await throttle.stop();
      await orm.close(true);
    },
  };
}
