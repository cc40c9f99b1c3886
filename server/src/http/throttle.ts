import net from 'node:net';
import type { RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiErrorCode } from '../common/errors';
import type { Config } from '../config';
import { HttpError } from './errors';
import type { AuthenticatedRequest } from './authenticate';

/** The table every limiter keeps its counters in (migration RateLimits): shared by all replicas. */
export const RATE_LIMIT_TABLE = 'rate_limit';
const WINDOW_SECONDS = 60;

/** The part of a client address that one client controls: an IPv4 address, an IPv6 /64. */
export function clientNetwork(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!net.isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** A limit of `points` a minute, or none (0 points). */
class Limit {
  readonly limiter: RateLimiterAbstract | null;

  constructor(readonly name: string, readonly points: number, pool: Pool | null) {
    if (points <= 0) {
      this.limiter = null;
      return;
    }
    const options = { keyPrefix: name, points, duration: WINDOW_SECONDS };
    // Should the database not answer, each process goes on counting on its own.
    const insurance = new RateLimiterMemory(options);
    this.limiter = pool
      ? new RateLimiterPostgres({
        ...options, storeClient: pool, storeType: 'pool', tableName: RATE_LIMIT_TABLE, tableCreated: true,
        clearExpiredByTimeout: true, insuranceLimiter: insurance,
        // A caller far over its limit is refused from memory without asking the database.
        inMemoryBlockOnConsumed: points * 2,
      } as ConstructorParameters<typeof RateLimiterPostgres>[0])
      : insurance;
  }

  /** Spends `points`; the answer, or a refusal (429 THROTTLED) with headers saying when to retry. */
  async consume(key: string, points = 1): Promise<RateLimiterRes | null> {
    if (!this.limiter) return null;
    try {
      return await this.limiter.consume(key, points);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw this.refusal(rejection);
      throw rejection;
    }
  }

  /** Keys found spent, until their window ends: asked again, they cost no statement. */
  private readonly spent = new LRUCache<string, number>({ max: 10_000 });

  /** Whether `key` has already spent its minute, without spending anything. */
  async exhausted(key: string): Promise<RateLimiterRes | null> {
    if (!this.limiter) return null;
    const until = this.spent.get(key);
    if (until !== undefined && until > Date.now()) return new RateLimiterRes(0, until - Date.now(), this.points, false);
    const res = await this.limiter.get(key);
    if (!res || res.consumedPoints < this.points) return null;
    if (res.msBeforeNext > 0) this.spent.set(key, Date.now() + res.msBeforeNext, { ttl: res.msBeforeNext });
    return res;
  }

  headers(res: RateLimiterRes): Record<string, string> {
    const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return {
      RateLimit: `limit=${this.points}, remaining=${Math.max(0, res.remainingPoints)}, reset=${reset}`,
      'RateLimit-Policy': `${this.points};w=${WINDOW_SECONDS}`,
    };
  }

  refusal(res: RateLimiterRes): HttpError {
    const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new HttpError(429, ApiErrorCode.THROTTLED, this.message, { ...this.headers(res), 'Retry-After': String(reset) });
  }

  private get message(): string {
    return this.name === 'cost'
      ? `This API key has spent its budget of ${this.points} cost points a minute; retry after the time in the RateLimit header`
      : 'Too many requests; slow down and retry after the time in the RateLimit header';
  }
}

/**
 * The throttles, in the order a request meets them:
 *
 * - `unauthenticated`: requests without a valid key, per client network (IPv4 address or IPv6
 *   /64), `AUTH_FAILURES_PER_MINUTE`. Checked before a presented key is looked up, so that
 *   made-up keys cost one counter, not a database lookup each, once the limit is reached.
 * - `requests`: requests per verified API key, `RATE_LIMIT_PER_MINUTE`.
 * - `cost`: the estimated cost of the operations of a verified API key, `COST_LIMIT_PER_MINUTE`,
 *   spent once an operation is known to fit the per-operation limit and before it runs.
 * - `formPostsPerIp`: posts to web forms per client network, whatever the key,
 *   `FORM_POSTS_PER_IP_PER_MINUTE`, counted before the form key is looked up.
 * - `formPostsPerForm`: posts to one web form from all clients, `FORM_POSTS_PER_FORM_PER_MINUTE`,
 *   counted once the key has found its form and before the body is read.
 *
 * Counters live in PostgreSQL (rate-limiter-flexible's store), so that all replicas agree;
 * should the database fail, each process falls back to counting in memory.
 */
export class Throttle {
  readonly unauthenticated: Limit;
  readonly requests: Limit;
  readonly cost: Limit;
  readonly formPostsPerIp: Limit;
  readonly formPostsPerForm: Limit;

  private constructor(config: Config, private readonly pool: Pool | null) {
    this.unauthenticated = new Limit('unauthenticated', config.authFailuresPerMinute, pool);
    this.requests = new Limit('requests', config.rateLimitPerMinute, pool);
    this.cost = new Limit('cost', config.costLimitPerMinute, pool);
    this.formPostsPerIp = new Limit('form-ip', config.formPostsPerIpPerMinute, pool);
    this.formPostsPerForm = new Limit('form', config.formPostsPerFormPerMinute, pool);
  }

  static create(config: Config, databaseUrl: string, log: Logger): Throttle {
    const on = [config.authFailuresPerMinute, config.rateLimitPerMinute, config.costLimitPerMinute,
      config.formPostsPerIpPerMinute, config.formPostsPerFormPerMinute].some((points) => points > 0);
    if (!on) return new Throttle(config, null);
    // A pool of its own: counting must not wait behind the requests' own transactions.
    // Bounded like the requests' own pool: a database that does not answer sends the limiter to
    // its in-memory fallback within the acquire timeout, not after the system's TCP timeout.
    const bound = config.db.acquireTimeoutMs;
    const pool = new Pool({
      connectionString: databaseUrl, max: Math.min(4, config.dbPoolMax),
      connectionTimeoutMillis: bound, statement_timeout: bound, lock_timeout: bound,
    });
    pool.on('error', (err) => log.warn({ err }, 'rate limit store connection failed'));
    return new Throttle(config, pool);
  }

  /** Refuses a client network that has already sent too many requests without a valid key. */
  async checkUnauthenticated(ip: string | undefined): Promise<void> {
    const spent = await this.unauthenticated.exhausted(clientNetwork(ip));
    if (spent) throw this.unauthenticated.refusal(spent);
  }

  /** Counts a request without a valid key; throws THROTTLED once the client network is over. */
  async countUnauthenticated(ip: string | undefined): Promise<void> {
    await this.unauthenticated.consume(clientNetwork(ip));
  }

  /** Counts a post to a web form from this client network; throws THROTTLED once it is over. */
  async countFormPost(ip: string | undefined): Promise<void> {
    await this.formPostsPerIp.consume(clientNetwork(ip));
  }

  /** Counts a post to the web form `formId`; throws THROTTLED once the form is over. */
  async countPostToForm(formId: string): Promise<void> {
    await this.formPostsPerForm.consume(formId);
  }

  /** Express: one request of the verified key, with `RateLimit` headers on the answer. */
  perKey(): RequestHandler {
    return async (req, res, next) => {
      const keyId = (req as AuthenticatedRequest).apiKeyId;
      try {
        const spent = keyId ? await this.requests.consume(keyId) : null;
        if (spent) setHeaders(res, this.requests.headers(spent));
        next();
      } catch (err) {
        next(err);
      }
    };
  }

  async stop(): Promise<void> {
    await this.pool?.end();
  }
}

function setHeaders(res: Response, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
