/** How failed calls are retried. */
export interface RetryOptions {
  /** Retries after the first attempt (default 2; 0 turns retrying off). */
  retries?: number;
  /** The first backoff step in milliseconds (default 250); each retry doubles it. */
  minDelayMs?: number;
  /** The largest backoff step in milliseconds (default 8000). */
  maxDelayMs?: number;
  /**
   * The longest wait a 429's, 409's or 503's `Retry-After`/`RateLimit` header may ask for (default 30000).
   * When the service asks for longer, the call fails at once with `THROTTLED` and
   * `retryAfterMs`, rather than hang.
   */
  maxRetryAfterMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetry = { retries: 2, minDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 30_000 };

export function resolveRetry(...layers: Array<RetryOptions | false | undefined>): ResolvedRetry {
  let out = DEFAULT_RETRY;
  for (const layer of layers) {
    if (layer === false) out = { ...out, retries: 0 };
    else if (layer) out = { ...out, ...definedOnly(layer) };
  }
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Exponential backoff with "equal jitter": half of the step is fixed, half random, so that
 * clients failing together do not retry together, yet none retries immediately.
 */
export function backoffDelay(attempt: number, retry: ResolvedRetry, random: () => number = Math.random): number {
  const step = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** attempt);
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The wait a 409/429/503 response asks for, in milliseconds: `Retry-After` (seconds or an HTTP
 * date), else the `reset` of an IETF `RateLimit` header (draft 7: `limit=10, remaining=0,
 * reset=42`), else `RateLimit-Reset` (draft 6).
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = /(?:^|[;,\s])reset=(\d+(?:\.\d+)?)/.exec(headers.get('ratelimit') ?? '')?.[1] ?? headers.get('ratelimit-reset');
  if (reset) {
    const seconds = Number(reset);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  }
  return undefined;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
