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

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** What makes two requests "the same": the document, the operation name and the variables. */
export function requestHash(query: string | undefined, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256').update(JSON.stringify([query ?? '', operationName ?? null, canonical(variables ?? {})])).digest('hex');
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
    const [row] = await em.execute<{ request_hash: string; status: string; response: Record<string, unknown> | null }[]>(
      'select request_hash, status, response from idempotency_key where user_id = ? and key = ?', [userId, key]);
    if (!row) continue; // released meanwhile by a failed first request: claim it again
    if (row.request_hash !== hash) return { kind: 'reused' };
    if (row.status === 'DONE' && row.response) return { kind: 'replay', response: row.response };
    if (Date.now() > deadline) return { kind: 'busy' };
    await sleep(50);
  }
}

/** Keeps the response of the first request, for replays. */
export async function completeKey(em: EntityManager, userId: string, key: string, response: Record<string, unknown>): Promise<void> {
  await em.execute(`update idempotency_key set status = 'DONE', response = ?::jsonb, completed_at = now() where user_id = ? and key = ?`,
    [JSON.stringify(response), userId, key]);
}

/** Forgets a claim whose mutation did not run to the end, so that a retry runs it again. */
export async function releaseKey(em: EntityManager, userId: string, key: string): Promise<void> {
  await em.execute('delete from idempotency_key where user_id = ? and key = ? and status = ?', [userId, key, 'PENDING']);
}
