import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import type { Request, RequestHandler } from 'express';
import { ApiErrorCode } from '../common/errors';
import { HttpError } from './errors';
import { LANDING_PAGE_CSP } from './security-headers';

/** Host names a browser uses for this machine; anything else may be a DNS-rebinding page. */
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return !!host && LOOPBACK_HOST.test(host);
}

/** Thrown by the probe's context function: Apollo wanted to run an operation, not show the page. */
const RUNS_AN_OPERATION = new Error('not the landing page');

function search(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? '' : req.originalUrl.slice(q + 1);
}

/**
 * The landing page exactly when Apollo itself would serve it: asks Apollo to handle the
 * request with a context function that refuses to run anything. Apollo answers a GET whose
 * `Accept` prefers text/html with the page before it looks at a query or creates a context; any
 * other request reaches the context function, and so is not the page.
 */
async function apolloLandingPage<C extends BaseContext>(apollo: ApolloServer<C>, req: Request): Promise<HTTPGraphQLResponse | null> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let runs = false;
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'GET', headers, search: search(req), body: undefined },
    context: async () => { runs = true; throw RUNS_AN_OPERATION; },
  });
  const html = !runs && (response.status ?? 200) === 200 && response.headers.get('content-type')?.startsWith('text/html');
  return html && response.body.kind === 'complete' ? response : null;
}

/**
 * `GET /graphql` from a browser: Apollo's Sandbox page, the one response served without a key.
 * A request that names an operation (`query` or `extensions` in the URL) is never the page,
 * whatever its Accept header says: it goes on to authentication like any other.
 *
 * When the page carries a real key (`embedsKey`, the local development database), it is
 * served only under a loopback Host name, so that a page of another site that rebinds its DNS
 * name to 127.0.0.1 cannot read it as same-origin. It never gets CORS headers (this answers
 * before the CORS module), and may not be framed.
 */
export function landingPage<C extends BaseContext>(apollo: ApolloServer<C>, opts: { embedsKey: boolean }): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' || req.path !== '/') return next();
    const params = new URLSearchParams(search(req));
    if (params.has('query') || params.has('extensions')) return next();
    let page: HTTPGraphQLResponse | null;
    try {
      page = await apolloLandingPage(apollo, req);
    } catch (err) {
      return next(err);
    }
    if (!page || page.body.kind !== 'complete') return next();
    if (opts.embedsKey && !isLoopbackHost(req.headers.host)) {
      return next(new HttpError(403, ApiErrorCode.FORBIDDEN,
        'The development Sandbox is served only at http://localhost, http://127.0.0.1 or http://[::1]'));
    }
    res.status(200);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', LANDING_PAGE_CSP);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('vary', 'accept, host');
    res.end(page.body.string);
  };
}
