/** One entry of a GraphQL response's top-level `errors`, as the service sends it. */
export interface GraphQLErrorEntry {
  message: string;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; requestId?: string; [key: string]: unknown };
}

/**
 * Codes a {@link LeadsApiError} can carry. The service's top-level codes come first; the
 * last group is the client's own, for failures that never produced a GraphQL response.
 * Unknown codes from a newer service pass through as plain strings.
 */
export type LeadsApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'THROTTLED'
  | 'QUERY_TOO_COMPLEX'
  | 'BAD_USER_INPUT'
  | 'INTERNAL_SERVER_ERROR'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'HTTP_ERROR'
  | 'INVALID_RESPONSE'
  | (string & {});

export interface LeadsApiErrorInit {
  code: LeadsApiErrorCode;
  message: string;
  operationName: string;
  status?: number;
  requestId?: string;
  errors?: ReadonlyArray<GraphQLErrorEntry>;
  data?: unknown;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A call that did not produce a result: top-level GraphQL `errors`, an HTTP failure, a network
 * failure or a timeout. Business-rule failures are not thrown; they come back as the payload's
 * `userErrors`.
 */
export class LeadsApiError extends Error {
  override readonly name = 'LeadsApiError';
  /** `extensions.code` of the first error, or the client's own code for transport failures. */
  readonly code: LeadsApiErrorCode;
  /** The operation that failed, e.g. `"qualifyLeads"`. */
  readonly operationName: string;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** The service's request id (`extensions.requestId` or the `x-request-id` header): quote it to support. */
  readonly requestId: string | undefined;
  /** The raw top-level `errors` of the response, empty for transport failures. */
  readonly errors: ReadonlyArray<GraphQLErrorEntry>;
  /** Partial `data` that came with the errors, if any. */
  readonly data: unknown;
  /** How long the service asked the caller to wait before trying again (429, 503, or 409 while the same idempotent request runs), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(init: LeadsApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.operationName = init.operationName;
    this.status = init.status;
    this.requestId = init.requestId;
    this.errors = init.errors ?? [];
    this.data = init.data;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** True for a {@link LeadsApiError}, also across copies of this package (ESM and CommonJS). */
export function isLeadsApiError(value: unknown): value is LeadsApiError {
  return value instanceof LeadsApiError || (value instanceof Error && value.name === 'LeadsApiError' && 'code' in value);
}

const CODE_BY_STATUS: Record<number, LeadsApiErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  413: 'BAD_USER_INPUT',
  429: 'THROTTLED',
};

/** The code for an HTTP status whose body carried no GraphQL error code. */
export function codeForStatus(status: number): LeadsApiErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'HTTP_ERROR');
}
