import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** The ORM connection's query runner, which logs every statement (tests count them there). */
interface LoggingConnection {
  executeQuery<R>(query: string, run: () => Promise<R>, context?: object): Promise<R>;
}

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
 */
export async function readRows<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const connection = em.getConnection() as unknown as LoggingConnection;
  return connection.executeQuery(sql, async () => {
    const query = em.getKnex().raw(sql, params as never[]).options({ name: statementName(sql) });
    const trx = em.getTransactionContext();
    if (trx) query.transacting(trx);
    const res = (await query) as { rows: T[] };
    return res.rows;
  }, { query: sql, params });
}
