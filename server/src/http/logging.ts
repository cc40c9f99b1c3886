import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { HEALTH_PATHS } from './health';
import { runWithRequestId } from './request-context';

/**
 * Where secrets would sit in a log line: request headers (API keys, idempotency keys, cookies)
 * and response cookies, in pino-http's request and response serializers and anywhere else a
 * headers object is logged. Redacted by every logger of the service.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers["proxy-authorization"]', 'req.headers.cookie', 'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]', 'headers.authorization', 'headers["proxy-authorization"]', 'headers.cookie',
  'headers["idempotency-key"]', 'authorization', 'apiKey', 'sandboxApiKey',
];

/**
 * Path segments that are credentials: a web form's key (`/forms/<key>`). Matched in any case,
 * since a path is logged whether or not it routes.
 */
const SECRET_PATH = /(\/forms\/)[^/?#]*/gi;

/** A URL as it may be logged: credential path segments replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]');
}

/** The service's logger: JSON lines, secrets redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type WithRequestId = Request & { requestId: string };

/** A request id for every request: the caller's `X-Request-Id` when it is safe, else a new one. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  const id = given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  (req as WithRequestId).requestId = id;
  res.setHeader('x-request-id', id);
  runWithRequestId(id, next);
};

/**
 * One line per finished request, with its request id. Successful requests are logged at
 * `debug` (Prometheus counts them; a line each would cost throughput at `info` in production),
 * refused ones (4xx) at `info`, failed ones (5xx) at `error`; health checks never.
 */
export function requestLogging(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (req) => (req as unknown as WithRequestId).requestId,
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    autoLogging: { ignore: (req) => HEALTH_PATHS.includes((req.url ?? '').split('?')[0]) },
    serializers: {
      // Given pino's own serialization of the request (pino-http wraps this serializer).
      req: (req: { url?: string; params?: Record<string, string> }) => {
        if (req.url) req.url = redactUrl(req.url);
        if (req.params && 'formKey' in req.params) req.params = { ...req.params, formKey: '[redacted]' };
        return req;
      },
    },
  }) as unknown as RequestHandler;
}
