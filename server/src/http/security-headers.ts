import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers on every response: no framing (`X-Frame-Options: DENY` and
 * `frame-ancestors 'none'`), `nosniff`, no referrer, HSTS, and a CSP that lets a JSON answer
 * load and run nothing. The Sandbox page gets its own CSP (see landing-page.ts).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * The Sandbox page's header CSP: what its own `<meta>` CSP (scripts, styles and frames from
 * Apollo's CDN, with a nonce) cannot say. Both apply; this one adds no framing, no plugins, no
 * `<base>` and no form posts.
 */
export const LANDING_PAGE_CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";
