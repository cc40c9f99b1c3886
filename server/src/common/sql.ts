import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { replicaFailed, replicaFor, type ReadConnection } from '../db/replicas';

const names = new Map<string, string>();

/** A statement's name: the hash of its text, so that one name never means two statements. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `r${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(sql, name);
  }
  return name;
}

/**
 * Runs a read and returns its rows as PostgreSQL sent them, as a prepared statement named
 * after its text: each shape of query is parsed and planned once per connection instead of on
 * every request (planning a page of leads with its related rows cost as much as running it).
 * Parameters are bound, never inlined into the text; a list is one array parameter
 * (`= any(?::uuid[])`), so that its length does not make another statement.
 *
 * It joins the transaction of `em` when there is one. Otherwise it may read from a streaming
 * replica (db/replicas.ts decides); a replica that cannot serve leaves the read to the primary.
 */
export async function readRows<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const replica = replicaFor(em);
  if (replica) {
    try {
      return await run<T>(replica, sql, params);
    } catch (err) {
      if (!replicaFailed(em, replica, err)) throw err;
    }
  }
  return run<T>(em.getConnection() as unknown as ReadConnection, sql, params, em.getTransactionContext());
}

/**
 * One read on `connection`, through its query runner, which logs every statement (tests count
 * them there). A statement's name is the same on every connection: node-postgres prepares it
 * once per pooled client, whichever server that client is connected to.
 */
async function run<T>(connection: ReadConnection, sql: string, params: readonly unknown[], trx?: unknown): Promise<T[]> {
  return connection.executeQuery(sql, async () => {
    const query = connection.getKnex().raw(sql, params as never[]).options({ name: statementName(sql) });
    if (trx) query.transacting(trx as never);
    const res = (await query) as { rows: T[] };
    return res.rows;
  }, { query: sql, params });
}
