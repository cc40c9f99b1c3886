import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ApiErrorCode, unauthenticated } from '../common/errors';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/faults';
import { currentRequestId } from './request-context';

/**
 * The one mapping from anything that goes wrong to what a client sees. Every module of the
 * edge throws (or passes to `next`) an {@link HttpError}, or lets an unexpected error through;
 * the final Express handler here answers all of them in the contract's shape
 * `{"errors":[{"message","extensions":{"code","requestId"}}]}`, and {@link formatError} does
 * the same for errors inside a GraphQL response. Express's own HTML error page is never sent.
 */

/** A refusal with its HTTP status, contract code and message (safe to show), and extra headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = () => new HttpError(404, ApiErrorCode.NOT_FOUND, 'Not found');
export const unauthenticatedError = () => new HttpError(401, ApiErrorCode.UNAUTHENTICATED, unauthenticated().message);
export const internalError = () => new HttpError(500, ApiErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
export const UNAVAILABLE_MESSAGE = 'The service cannot reach its database right now; retry later';
/** The database cannot serve now (db/faults.ts): not the client's fault, and worth a retry. */
export const serviceUnavailable = () => new HttpError(503, ApiErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE,
  { 'Retry-After': String(RETRY_AFTER_SECONDS) });

export function errorBody(message: string, code: string, requestId: string | undefined) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/**
 * What a failure of some other kind means for the client. A new kind of fault gets its case
 * here, and every route answers it the same way: a database that cannot serve now (unreachable,
 * no pooled connection in time, a statement or lock timeout) is 503 SERVICE_UNAVAILABLE with
 * Retry-After.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  // First: a database fault met while reading a body must not read as the client's bad JSON.
  if (isDatabaseUnavailable(err)) return serviceUnavailable();
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean } | null;
  switch (e?.type) {
    // body-parser's errors (https://github.com/expressjs/body-parser#errors)
    case 'entity.too.large': return new HttpError(413, ApiErrorCode.BAD_USER_INPUT, 'The request body is too large');
    case 'entity.parse.failed': return new HttpError(400, ApiErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported': return new HttpError(415, ApiErrorCode.BAD_USER_INPUT, 'The request body must be UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable': return new HttpError(400, ApiErrorCode.BAD_USER_INPUT, 'The request body could not be read');
    default: break;
  }
  // Express's router: a malformed %-escape in a path parameter.
  if (err instanceof URIError) return new HttpError(400, ApiErrorCode.BAD_USER_INPUT, 'The URL has a malformed %-escape');
  if (err instanceof GraphQLError && typeof err.extensions?.code === 'string' && PUBLIC_CODES.has(err.extensions.code)) {
    const status = (err.extensions.http as { status?: number } | undefined)?.status ?? 400;
    return new HttpError(status, err.extensions.code, err.message);
  }
  // Other client errors raised by Express's own middleware (http-errors with `expose`).
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e?.expose) {
    return new HttpError(status, ApiErrorCode.BAD_USER_INPUT, 'The request is malformed');
  }
  return internalError();
}

export function sendError(req: Request, res: Response, error: HttpError): void {
  const requestId = (req as Request & { requestId?: string }).requestId ?? currentRequestId();
  res.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.json(errorBody(error.message, error.code, requestId));
}

/** The last handler: anything that reached no route. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => { next(notFound()); };

/** The last error handler: every error of every route ends here. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toHttpError(err);
    const requestId = (req as Request & { requestId?: string }).requestId;
    if (error.status >= 500) log.error({ err, requestId }, 'request failed');
    if (res.headersSent) {
      // Half a response is out: all that is left is to cut it short.
      req.socket.destroy();
      return;
    }
    sendError(req, res, error);
  };
}

/** Codes the contract lets through unchanged; anything else is an internal fault. */
export const PUBLIC_CODES = new Set<string>([
  ApiErrorCode.UNAUTHENTICATED, ApiErrorCode.FORBIDDEN, ApiErrorCode.BAD_USER_INPUT, ApiErrorCode.QUERY_TOO_COMPLEX,
  ApiErrorCode.THROTTLED, ApiErrorCode.NOT_FOUND, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** graphql-js's parser, stopped by `maxTokens`, reports a syntax error; the contract calls it a limit. */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/**
 * The same mapping for errors inside a GraphQL response (Apollo's `formatError`).
 * type-graphql's authorization errors become FORBIDDEN, limit rejections keep
 * QUERY_TOO_COMPLEX, and every unexpected error is masked to INTERNAL_SERVER_ERROR (it was
 * logged in full with the request id).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const mapped = mapGraphqlError(formatted, error);
  const requestId = currentRequestId();
  return requestId ? { ...mapped, extensions: { ...mapped.extensions, requestId } } : mapped;
}

function mapGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError ?? error : error;
  const name = (original as Error | undefined)?.constructor?.name;
  if (name === 'AuthorizationError' || name === 'ForbiddenError') {
    return { ...formatted, message: 'You may not run this operation', extensions: { code: ApiErrorCode.FORBIDDEN } };
  }
  if (name === 'AuthenticationError' || name === 'UnauthorizedError') {
    return { ...formatted, message: unauthenticated().message, extensions: { code: ApiErrorCode.UNAUTHENTICATED } };
  }
  if (isDatabaseUnavailable(original)) {
    return { message: UNAVAILABLE_MESSAGE, extensions: { code: ApiErrorCode.SERVICE_UNAVAILABLE } };
  }
  if (TOO_MANY_TOKENS.test(formatted.message)) {
    return { message: formatted.message.replace(/^Syntax Error: /, ''), extensions: { code: ApiErrorCode.QUERY_TOO_COMPLEX } };
  }
  const origCode = original instanceof GraphQLError ? original.extensions?.code : undefined;
  const code = String(origCode === ApiErrorCode.QUERY_TOO_COMPLEX || origCode === ApiErrorCode.THROTTLED
    ? origCode : formatted.extensions?.code ?? '');
  if (PUBLIC_CODES.has(code)) {
    const { stacktrace: _s, http: _h, ...extensions } = { ...formatted.extensions, code } as Record<string, unknown>;
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path,
    extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } };
}
