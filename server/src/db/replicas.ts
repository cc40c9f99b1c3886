import type { ApolloServerPlugin } from '@apollo/server';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context';
import { isDatabaseUnavailable, sqlStateOf } from './faults';

/**
 * Where reads go when DATABASE_REPLICA_URLS names streaming replicas. One rule, decided here:
 * a statement of `readRows` (common/sql.ts) reads from a replica only when
 *
 * - it is outside any transaction,
 * - the GraphQL operation is a query, never a mutation (a mutation's payload is read from the
 *   primary, so a caller always sees its own write in the response), and
 * - the caller (the user) has made no mutation in the last REPLICA_READ_AFTER_WRITE_MS, so that a
 *   client that writes and then reads sees its write, whatever the replica's lag within that time.
 *
 * Everything else reads from the primary: the ORM's own finds (`preferReadReplicas` is off), the
 * API key lookup (a revoked key must not live on through a lagging replica), the throttle and
 * idempotency stores, migrations, attachments and the health check.
 *
 * A replica that cannot serve (unreachable, refusing connections or the login, or cancelling a
 * read in a conflict with recovery) costs no request: the read runs again on the primary, and a
 * replica that failed to connect is left alone for {@link REPLICA_REST_MS}.
 */

/** What a request that may read from a replica leaves here: its logger, for a replica's failure. */
interface ReplicaReader { log: Context['log'] }

/**
 * The requests (by their EntityManager, which is theirs alone) that may read from a replica; set
 * by {@link replicaReadsPlugin} once the operation is known. A transaction's fork is another
 * EntityManager, so it is never here.
 */
const readers = new WeakMap<EntityManager, ReplicaReader>();

/** How long a replica that failed to connect or serve is passed over. */
export const REPLICA_REST_MS = 5000;

/** The replicas that failed, with the time until which reads go to the primary instead. */
const resting = new WeakMap<object, number>();

/** A read connection of MikroORM: a pool of its own, opened lazily. */
export interface ReadConnection {
  getKnex(): import('knex').Knex;
  executeQuery<R>(query: string, run: () => Promise<R>, context?: object): Promise<R>;
}

/**
 * The replica a read of `em` goes to, or null for the primary. Free of statements: a lookup in
 * a WeakMap and MikroORM's choice among the replicas.
 */
export function replicaFor(em: EntityManager): ReadConnection | null {
  if (!readers.has(em) || em.getTransactionContext()) return null;
  const connection = em.getConnection('read');
  if (connection === em.getConnection('write')) return null;
  const until = resting.get(connection);
  if (until !== undefined) {
    if (Date.now() < until) return null;
    resting.delete(connection);
  }
  return connection as unknown as ReadConnection;
}

/**
 * Whether a read that failed on `replica` should run again on the primary; a replica that
 * cannot be reached or logged in to rests for {@link REPLICA_REST_MS} (said once in the log).
 * A statement or lock timeout is not the replica's fault: the primary would meet it too.
 */
export function replicaFailed(em: EntityManager, replica: ReadConnection, err: unknown): boolean {
  const state = sqlStateOf(err);
  if (state === '57014' || state === '55P03') return false;
  // A hot standby cancels a read that holds back the replay of a conflicting change (vacuum,
  // a lock): the primary has no such conflict. The replica itself is fine.
  if (state === '40001' || state === '40P01') return true;
  const down = isDatabaseUnavailable(err) || (state !== undefined && (state.startsWith('28') || state === '3D000'));
  if (!down) return false;
  if (!resting.has(replica)) readers.get(em)?.log.warn({ err, restMs: REPLICA_REST_MS }, 'read replica failed; reading from the primary');
  resting.set(replica, Date.now() + REPLICA_REST_MS);
  return true;
}

/**
 * Lets the reads of each GraphQL query go to a replica, unless its caller made a mutation in
 * the last `readAfterWriteMs`. The time of a caller's last mutation is kept in this process
 * only; behind a load balancer a caller's next request may reach another process, which has not
 * seen the mutation (docs/operations.md, "Read replicas").
 */
export function replicaReadsPlugin(readAfterWriteMs: number): ApolloServerPlugin<Context> {
  // Bounded: a caller forgotten early (over 100,000 writers within the window) only reads from
  // a replica sooner.
  const writers = readAfterWriteMs > 0 ? new LRUCache<string, true>({ max: 100_000, ttl: readAfterWriteMs, ttlAutopurge: false }) : null;
  const listeners: Awaited<ReturnType<NonNullable<ApolloServerPlugin<Context>['requestDidStart']>>> = {
    async didResolveOperation({ operation, contextValue }) {
      if (operation?.operation === 'query') {
        if (!writers?.has(contextValue.actor.id)) readers.set(contextValue.em, contextValue);
      } else if (operation) {
        // From the start of a mutation, so that the caller's queries meanwhile read from the primary too.
        writers?.set(contextValue.actor.id, true);
      }
    },
    async willSendResponse({ operation, contextValue }) {
      // Again at its end: the window covers the replicas' lag after the commit.
      if (operation && operation.operation !== 'query') writers?.set(contextValue.actor.id, true);
    },
  };
  return { requestDidStart: async () => listeners };
}

/**
 * MikroORM's read connections, in the order of DATABASE_REPLICA_URLS. MikroORM hands out only a
 * random one (`getConnection('read')`); the health check asks each.
 */
export function replicaConnections(orm: MikroORM): ReadConnection[] {
  return ((orm.em.getDriver() as unknown as { replicas?: ReadConnection[] }).replicas ?? []);
}

/** How long /readyz waits for a replica's answer before calling it unavailable. */
export const REPLICA_CHECK_MS = 1000;

/**
 * `select 1` on a replica, within {@link REPLICA_CHECK_MS}. A replica that fails rests (reads
 * skip it at once, rather than after a request's failed attempt); one that answers is used again.
 */
export async function checkReplica(replica: ReadConnection): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const answer = replica.getKnex().raw('select 1').then(() => 'ok' as const, () => 'unavailable' as const);
  const late = new Promise<'unavailable'>((resolve) => { timer = setTimeout(() => resolve('unavailable'), REPLICA_CHECK_MS); });
  const state = await Promise.race([answer, late]);
  clearTimeout(timer);
  if (state === 'ok') resting.delete(replica);
  else resting.set(replica, Date.now() + REPLICA_REST_MS);
  return state;
}
