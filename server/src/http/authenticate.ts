import type { RequestHandler } from 'express';
import type { ApiKeyCache, Caller } from '../users/api-key-cache';
import { bearerKey } from '../users/api-keys';
import { User } from '../users/user.entity';
import { unauthenticatedError } from './errors';
import type { WithRequestId } from './logging';
import type { Throttle } from './throttle';

/** A request whose key verified: everything after authentication sees these. */
export type AuthenticatedRequest = WithRequestId & { caller: Caller; actor: User; apiKeyId: string };

/** A User to read (role, id) outside any request's EntityManager; resolvers get a managed one. */
export function detachedUser(caller: Caller): User {
  return Object.assign(new User(), caller.user);
}

/**
 * Who is calling, decided from the `Authorization` header alone, before the body is read:
 * every request that reaches this needs a live API key (health checks and the Sandbox page are
 * answered before it). Missing, malformed, unknown and revoked keys all get the same 401
 * UNAUTHENTICATED; a client network over its limit of such requests gets 429 THROTTLED, and a
 * key it presents is then not even looked up, unless it verified within the last hour.
 */
export function authenticate(keys: ApiKeyCache, throttle: Throttle): RequestHandler {
  return async (req, _res, next) => {
    try {
      const key = bearerKey(req.header('authorization'));
      let caller = key ? keys.cached(key) : null;
      if (key && !caller) {
        // Past its limit of failures an address gets no lookup, except for a key that verified
        // recently (a colleague's behind the same address, say).
        if (!keys.knownGood(key)) await throttle.checkUnauthenticated(req.ip);
        caller = await keys.lookup(key);
      }
      if (!caller) {
        await throttle.countUnauthenticated(req.ip);
        throw unauthenticatedError();
      }
      const r = req as AuthenticatedRequest;
      r.caller = caller;
      r.actor = detachedUser(caller);
      r.apiKeyId = caller.keyId;
      next();
    } catch (err) {
      next(err);
    }
  };
}
