/**
 * Whether an error means "the database cannot serve this now" — not the client's fault and not
 * a bug, but a 503 to retry later: the server cannot be reached or refuses connections, the
 * pool had no connection within its acquire timeout, or a statement ran into `statement_timeout`,
 * `lock_timeout` or `idle_in_transaction_session_timeout`.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e = err as Record<string, unknown> | null | undefined;
  // The error as raised, or wrapped by the ORM (`previous`), GraphQL (`originalError`) or
  // anything else (`cause`).
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    if (isUnavailableItself(e)) return true;
    e = (e.originalError ?? e.previous ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}

/** The SQLSTATE of a PostgreSQL error, as raised or wrapped (by the ORM, GraphQL or a `cause`). */
export function sqlStateOf(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e = err as Record<string, unknown> | null | undefined;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    // Five characters with a digit: not a Node error code such as EPIPE.
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && /\d/.test(e.code)) return e.code;
    e = (e.originalError ?? e.previous ?? e.cause) as Record<string, unknown> | undefined;
  }
  return undefined;
}

/** SQLSTATEs of a database that cannot serve now (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const UNAVAILABLE_SQLSTATES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  '57P01', '57P02', '57P03', // admin_shutdown, crash_shutdown, cannot_connect_now
  '53300', // too_many_connections
  '53000', '53100', '53200', // insufficient resources, disk full, out of memory
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const MESSAGES = [
  /Timeout acquiring a connection/i, // knex: the pool's acquire timeout
  /Connection terminated/i, // pg: the server closed the connection
  /is not currently accepting connections/i, // ALLOW_CONNECTIONS false (SQLSTATE 55000, used for other things too)
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Unable to acquire a connection/i, // knex, once its pool is being destroyed
  /terminating connection due to administrator command/i,
  /connection (is )?(closed|ended)/i,
];

function isUnavailableItself(e: Record<string, unknown>): boolean {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code))) return true;
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException' || e.name === 'LockWaitTimeoutException') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return MESSAGES.some((m) => m.test(message));
}

/** What a client is told to wait before retrying, in seconds. */
export const RETRY_AFTER_SECONDS = 5;
