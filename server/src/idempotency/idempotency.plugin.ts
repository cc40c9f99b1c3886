import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { UserErrorCode } from '../common/enums';
import { ApiErrorCode, badUserInput, userError } from '../common/errors';
import type { Context } from '../context';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/faults';
import { UNAVAILABLE_MESSAGE } from '../http/errors';
import { payloadWithError } from './idempotency.payload';
import { claimKey, completeKey, releaseKey, requestHash, TooDeepError } from './idempotency.store';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

function single(data: Record<string, unknown> | null, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): GraphQLResponse {
  const map = new HeaderMap();
  for (const [k, v] of Object.entries(headers)) map.set(k, v);
  return { http: { status: undefined, headers: map }, body: { kind: 'single', singleResult: { data, ...extra } } };
}

/**
 * `Idempotency-Key` on mutations: the first request with a key runs; a retry of the same
 * request with the same key — after a timeout, say — gets the first response again
 * (`Idempotent-Replayed: true`) instead of running twice, also while the first is still
 * running. The same key with a different request is refused with IDEMPOTENCY_KEY_REUSED in
 * the payload's userErrors. Keys belong to the caller and last a day; queries ignore them.
 */
export function idempotencyPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const key = request.http?.headers.get(IDEMPOTENCY_HEADER);
      if (key === undefined) return;
      let claimed = false;
      let hash = '';
      return {
        async didResolveOperation({ operation, request: req }) {
          if (operation?.operation !== 'mutation') return;
          if (!KEY_FORMAT.test(key)) throw badUserInput('Idempotency-Key must be 1..255 visible ASCII characters', 'Idempotency-Key');
          try {
            hash = requestHash(req.query, req.operationName, req.variables);
          } catch (err) {
            if (err instanceof TooDeepError) throw badUserInput(err.message, 'variables');
            throw err;
          }
        },
        async responseForOperation({ operation, document, request: req, contextValue }) {
          if (operation.operation !== 'mutation') return null;
          let claim: Awaited<ReturnType<typeof claimKey>>;
          try {
            claim = await claimKey(contextValue.em, contextValue.actor.id, key, hash);
          } catch (err) {
            // Apollo answers an error thrown here with a 500 and no further hooks: a database
            // that cannot serve is answered here as every route answers it.
            if (!isDatabaseUnavailable(err)) throw err;
            const unavailable = single({}, {}, { 'retry-after': String(RETRY_AFTER_SECONDS) });
            unavailable.http.status = 503;
            if (unavailable.body.kind === 'single') {
              unavailable.body.singleResult = { errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: ApiErrorCode.SERVICE_UNAVAILABLE } }] };
            }
            return unavailable;
          }
          switch (claim.kind) {
            case 'new':
              claimed = true;
              return null;
            case 'replay':
              return single(claim.response.data as Record<string, unknown> | null,
                claim.response.errors ? { errors: claim.response.errors } : {}, { 'idempotent-replayed': 'true' });
            case 'reused':
              return single(payloadWithError(schema, document, operation, req.variables ?? {}, userError(UserErrorCode.IDEMPOTENCY_KEY_REUSED,
                'This Idempotency-Key was used for a different request; use a new key for a new request', ['Idempotency-Key'])));
            default: {
              const busy = single({}, {}, { 'retry-after': '1' });
              busy.http.status = 409;
              if (busy.body.kind === 'single') {
                busy.body.singleResult = { errors: [{ message: 'A request with this Idempotency-Key is still running; retry shortly',
                  extensions: { code: ApiErrorCode.THROTTLED } }] };
              }
              return busy;
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (!claimed || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          // Kept when the request changed something (a transaction committed) or answered every
          // root field (userErrors are an answer): a retry must not run it again. When nothing
          // committed and a root field failed — a fault that rolled back — the key is released
          // so that a retry runs it.
          const answered = !!data && Object.values(data).every((v) => v !== null);
          try {
            if (contextValue.writes.committed || answered) {
              await completeKey(contextValue.em, contextValue.actor.id, key, { data: data ?? null, ...(errors ? { errors } : {}) });
            } else {
              await releaseKey(contextValue.em, contextValue.actor.id, key);
            }
          } catch (err) {
            // The database went away after the mutation: its answer still goes out (it may have
            // committed); the claim stays PENDING until it is taken over as abandoned.
            if (!isDatabaseUnavailable(err)) throw err;
            contextValue.log.error({ err, requestId: contextValue.requestId }, 'idempotency key not recorded: the database is unavailable');
          }
        },
      };
    },
  };
}
