import { print, type DocumentNode } from 'graphql';
import { codeForStatus, LeadsApiError, type GraphQLErrorEntry } from './errors.js';
import { backoffDelay, resolveRetry, retryAfterMs, sleep, type RetryOptions } from './retry.js';

/** Settings shared by every call of a client. */
export interface TransportOptions {
  /** The service's GraphQL endpoint, e.g. `https://leads.example.com/graphql`. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** A WHATWG `fetch`; defaults to the global one (Node ≥ 18, browsers, Deno, Bun). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Per-attempt timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Retry policy for queries and idempotent mutations; `false` never retries. */
  retry?: RetryOptions | false;
}

/** Settings of one call; they override the client's. */
export interface CallOptions {
  /** Cancels the call, including any wait between retries. */
  signal?: AbortSignal;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  retry?: RetryOptions | false;
  /**
   * Sent as the `Idempotency-Key` header, and what makes a mutation retryable: without one, a
   * mutation is sent exactly once, because a retry after a lost response could apply it twice.
   * Use a fresh key per logical action (e.g. `crypto.randomUUID()`) and reuse it only to
   * repeat that same action.
   */
  idempotencyKey?: string;
}

interface OperationInfo {
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  query: string;
}

const infoCache = new WeakMap<DocumentNode, OperationInfo>();

function operationInfo(doc: DocumentNode): OperationInfo {
  let info = infoCache.get(doc);
  if (!info) {
    const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
    if (!op || op.kind !== 'OperationDefinition') throw new TypeError('The document has no operation');
    info = { name: op.name?.value ?? 'anonymous', kind: op.operation, query: print(doc) };
    infoCache.set(doc, info);
  }
  return info;
}

/** Aborts when any of the signals does; AbortSignal.any where the runtime has it (Node ≥ 20.3). */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (signals.length === 1) return signals[0]!;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

/**
 * Failures worth another attempt: the request may not have reached the service, it was
 * overloaded (429, 5xx), or the same idempotent request is still running there (409 with
 * `Retry-After`).
 */
function isTransient(err: LeadsApiError): boolean {
  return err.code === 'NETWORK_ERROR' || err.code === 'TIMEOUT' || err.status === 429
    || (err.status === 409 && err.retryAfterMs !== undefined)
    || (err.status !== undefined && err.status >= 500);
}

/** Statuses whose `Retry-After` / `RateLimit` headers say when to try again. */
const ASKS_TO_WAIT = new Set([409, 429, 503]);

/** Node's (undici's) and the browsers' ways of saying why no response came, in words. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the service running, on that port?)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ENOTFOUND: 'DNS: no such host',
  EAI_AGAIN: 'DNS: the host name could not be resolved now',
  ETIMEDOUT: 'connecting timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stopped arriving',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  CERT_HAS_EXPIRED: 'TLS: the certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: a self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the certificate is for another host name',
};

/**
 * What went wrong on the way, from the error `fetch` threw (undici's "fetch failed" carries the
 * system error as its `cause`), e.g. `connection refused (ECONNREFUSED)`.
 */
export function describeNetworkError(err: unknown): string {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_REASONS[code]) return `${NETWORK_REASONS[code]} (${code})`;
    if (typeof code === 'string' && /^(ERR_TLS|CERT_|ERR_SSL)/.test(code)) return `TLS: ${(e as Error).message ?? code} (${code})`;
    // AggregateError: every address of the host refused (e.g. ::1 and 127.0.0.1).
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) return describeNetworkError(errors[0]);
  }
  let deepest: unknown = err;
  while (deepest && typeof deepest === 'object' && (deepest as { cause?: unknown }).cause) deepest = (deepest as { cause: unknown }).cause;
  return deepest instanceof Error ? deepest.message : String(deepest);
}

export type Executor = <TResult, TVariables>(doc: DocumentNode, variables?: TVariables, options?: CallOptions) => Promise<TResult>;

/**
 * Sends operations over HTTP POST. Returns `data` when the response has no top-level errors
 * and throws a {@link LeadsApiError} otherwise. Queries are retried on transient failures;
 * mutations only when the call has an idempotency key.
 */
export function createExecutor(options: TransportOptions): Executor {
  if (!options.url) throw new TypeError('createLeadsClient: `url` is required');
  if (!options.apiKey) throw new TypeError('createLeadsClient: `apiKey` is required');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('createLeadsClient: no global fetch; pass `fetch` (Node ≥ 18 has one)');
  }

  async function attempt(op: OperationInfo, variables: unknown, call: CallOptions): Promise<unknown> {
    const timeoutMs = call.timeoutMs ?? options.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = anySignal(call.signal ? [call.signal, timeout] : [timeout]);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...options.headers,
      ...call.headers,
      authorization: `Bearer ${options.apiKey}`,
    };
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;

    const transportFailure = (err: unknown): unknown => {
      if (call.signal?.aborted) return call.signal.reason;
      if (timeout.aborted) {
        return new LeadsApiError({ code: 'TIMEOUT', message: `${op.name}: no response from ${options.url} within ${timeoutMs} ms`, operationName: op.name, cause: err });
      }
      return new LeadsApiError({
        code: 'NETWORK_ERROR', message: `${op.name}: no response from ${options.url}: ${describeNetworkError(err)}`, operationName: op.name, cause: err,
      });
    };

    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: op.query, variables: variables ?? {}, operationName: op.name }),
        signal,
      });
      text = await res.text();
    } catch (err) {
      throw transportFailure(err);
    }

    const headerRequestId = res.headers.get('x-request-id') ?? undefined;
    const wait = ASKS_TO_WAIT.has(res.status) ? retryAfterMs(res.headers) : undefined;
    let body: { data?: unknown; errors?: GraphQLErrorEntry[] } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }

    const errors = Array.isArray(body?.errors) ? body.errors : [];
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new LeadsApiError({
        code: first.extensions?.code ?? codeForStatus(res.status),
        message: first.message,
        operationName: op.name,
        status: res.status,
        requestId: first.extensions?.requestId ?? headerRequestId,
        errors,
        data: body?.data ?? undefined,
        retryAfterMs: wait,
      });
    }
    if (!res.ok || body?.data == null) {
      throw new LeadsApiError({
        code: res.ok ? 'INVALID_RESPONSE' : codeForStatus(res.status),
        message: res.ok ? `${op.name}: the response had neither data nor errors` : `${op.name}: HTTP ${res.status} ${res.statusText}`.trim(),
        operationName: op.name,
        status: res.status,
        requestId: headerRequestId,
        retryAfterMs: wait,
      });
    }
    return body.data;
  }

  return async function execute<TResult, TVariables>(doc: DocumentNode, variables?: TVariables, call: CallOptions = {}): Promise<TResult> {
    const op = operationInfo(doc);
    const retry = resolveRetry(options.retry, call.retry);
    const retryable = op.kind === 'query' || call.idempotencyKey !== undefined;
    for (let n = 0; ; n++) {
      let failure: LeadsApiError;
      try {
        return (await attempt(op, variables, call)) as TResult;
      } catch (err) {
        if (!(err instanceof LeadsApiError) || !retryable || n >= retry.retries || !isTransient(err)) throw err;
        failure = err;
      }
      let delay = backoffDelay(n, retry);
      if (failure.retryAfterMs !== undefined) {
        if (failure.retryAfterMs > retry.maxRetryAfterMs) throw failure;
        delay = Math.max(delay, failure.retryAfterMs);
      }
      await sleep(delay, call.signal);
    }
  };
}
