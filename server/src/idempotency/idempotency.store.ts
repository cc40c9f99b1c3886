import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** How long a key is remembered. */
export const KEY_TTL = '24 hours';
/**
 * A claim still PENDING after this long belongs to a process that died mid-request (no
 * mutation runs this long); its transaction rolled back with its connection, so the key is
 * taken over rather than left to block retries for a day.
 */
export const ABANDONED_AFTER = '5 minutes';

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; response: Record<string, unknown> }
  | { kind: 'reused' }
  | { kind: 'busy' };

/** How deep variables may nest to be hashed; the deepest input type of the schema nests 4 levels. */
export const MAX_VARIABLES_DEPTH = 32;

export class TooDeepError extends Error {}

/** `value` with its object keys sorted, as JSON; deeper than {@link MAX_VARIABLES_DEPTH}, a TooDeepError. */
function canonical(value: unknown, depth = 0): string {
  if (depth > MAX_VARIABLES_DEPTH) throw new TooDeepError(`Variables may nest at most ${MAX_VARIABLES_DEPTH} levels deep`);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k], depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What makes two requests "the same": the document, the operation name and the variables, in
 * a canonical form (object keys sorted). Throws TooDeepError for variables nested deeper than
 * {@link MAX_VARIABLES_DEPTH}, before any deep recursion could overflow the stack.
 */
export function requestHash(query: string | undefined, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256').update(`[${JSON.stringify(query ?? '')},${JSON.stringify(operationName ?? null)},${canonical(variables ?? {})}]`).digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Claims `key` for this caller and request. The first claim inserts a PENDING row and runs the
 * mutation; a later one with the same request waits for that first one to finish and replays
 * its response; one with a different request is `reused`. Expired keys are forgotten first.
 * Each statement commits on its own, so a claim is visible to racing requests at once; the
 * primary key decides which of them is first.
 */
export async function claimKey(em: EntityManager, userId: string, key: string, hash: string, waitMs = 30_000): Promise<Claim> {
  await em.execute(`delete from idempotency_key where created_at < now() - interval '${KEY_TTL}' and (user_id, key) in
    (select user_id, key from idempotency_key where created_at < now() - interval '${KEY_TTL}' limit 100)`);
  await em.execute(`delete from idempotency_key where user_id = ? and key = ? and status = 'PENDING'
    and created_at < now() - interval '${ABANDONED_AFTER}'`, [userId, key]);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const inserted = await em.execute<{ key: string }[]>(
      `insert into idempotency_key (user_id, key, request_hash) values (?, ?, ?) on conflict do nothing returning key`, [userId, key, hash]);
    if (inserted.length) return { kind: 'new' };
    // The response as it was sent (text keeps its key order; jsonb does not), or, for a key
    // completed before that column existed, the jsonb.
    const [row] = await em.execute<{ request_hash: string; status: string; response: Record<string, unknown> | null; response_text: string | null }[]>(
      'select request_hash, status, response, response_text from idempotency_key where user_id = ? and key = ?', [userId, key]);
    if (!row) continue; // released meanwhile by a failed first request: claim it again
    if (row.request_hash !== hash) return { kind: 'reused' };
    if (row.status === 'DONE' && row.response_text !== null) return { kind: 'replay', response: JSON.parse(row.response_text) as Record<string, unknown> };
    if (row.status === 'DONE' && row.response) return { kind: 'replay', response: row.response };
    if (Date.now() > deadline) return { kind: 'busy' };
    await sleep(50);
  }
}

/**
 * Keeps the response of the first request, for replays, as JSON text: parsed back, its keys
 * come in the order they were sent, so that the replay is serialized to the same bytes.
 */
export async function completeKey(em: EntityManager, userId: string, key: string, response: Record<string, unknown>): Promise<void> {
  await em.execute(`update idempotency_key set status = 'DONE', response_text = ?, completed_at = now() where user_id = ? and key = ?`,
    [JSON.stringify(response), userId, key]);
}

/** Forgets a claim whose mutation did not run to the end, so that a retry runs it again. */
export async function releaseKey(em: EntityManager, userId: string, key: string): Promise<void> {
  await em.execute('delete from idempotency_key where user_id = ? and key = ? and status = ?', [userId, key, 'PENDING']);
}
