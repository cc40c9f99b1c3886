import type { RequestHandler } from 'express';
import cors from 'cors';
import type { Config } from '../config';

/** `http://localhost:*` → any port of http://localhost. */
function originPattern(origin: string): string | RegExp {
  if (!origin.endsWith(':*')) return origin;
  const escaped = origin.slice(0, -2).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}(:\\d{1,5})?$`);
}

/**
 * CORS for browser callers of /graphql and /attachments. Keys travel in the Authorization
 * header, never in cookies, so allowing an origin lets its pages send only what their user's
 * key allows. By default none in production and, in development, pages on this machine and
 * Apollo Sandbox (`CORS_ORIGINS`, see config.ts). The Sandbox landing page, which may carry a
 * key, is answered before this and never gets CORS headers.
 */
export function crossOrigin(config: Config): RequestHandler {
  return cors({
    origin: config.corsOrigins === true ? '*' : config.corsOrigins.map(originPattern),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Apollo-Require-Preflight',
      'X-Apollo-Operation-Name', 'Apollographql-Client-Name', 'Apollographql-Client-Version'],
    exposedHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'Content-Disposition'],
    maxAge: 600,
  });
}
