import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from './errors';
import { cursorValueFits, decodeCursor, isoInstant, toConnection, type ConnectionShape, type CursorValue } from './pagination';
import { keepPrefetched, prefetchSql, type Prefetch } from './prefetch';
import type { Row, RowReader } from './rows';
import { readRows } from './sql';

export interface SortKey {
  /** An SQL expression over the table alias, e.g. `lower(l.topic)`. */
  sql: string;
  /** Its type, to cast the cursor's value back in the comparison. */
  cast: 'timestamptz' | 'text' | 'int';
  /**
   * The key may be null; nulls then sort last in both directions. The key is compared and
   * ordered as `coalesce(key, 'infinity')` ascending and `coalesce(key, '-infinity')` descending
   * (timestamps only: their range, years 1..9999, never reaches either), so that the row-value
   * comparison stays one range of an expression index on exactly that coalesce and the id. A
   * cursor carries the key's own value, null included, so it knows which side of the nulls it is.
   */
  nullable?: boolean;
}

/** The expression a key is ordered and compared by in `direction` (see {@link SortKey.nullable}). */
export function orderExpression(key: SortKey, direction: 'asc' | 'desc', value = key.sql): string {
  if (!key.nullable) return value;
  if (key.cast !== 'timestamptz') throw new Error('only timestamp sort keys may be nullable');
  return `coalesce(${value}, '${direction === 'asc' ? 'infinity' : '-infinity'}'::timestamptz)`;
}

/** `(k…, id) op (?…, ?)`: the position after the cursor, in the order of `sort` and `direction`. */
function afterCursor(alias: string, sort: SortKey[], direction: 'asc' | 'desc'): string {
  const keys = [...sort.map((s) => orderExpression(s, direction)), `${alias}.id`];
  const values = [...sort.map((s) => orderExpression(s, direction, `?::${s.cast}`)), '?::uuid'];
  return `(${keys.join(', ')}) ${direction === 'asc' ? '>' : '<'} (${values.join(', ')})`;
}

/** The ORDER BY of `sort` then the id in `direction`. */
function orderBy(alias: string, sort: SortKey[], direction: 'asc' | 'desc'): string {
  return [...sort.map((s) => orderExpression(s, direction)), `${alias}.id`].map((k) => `${k} ${direction}`).join(', ');
}

export interface KeysetQuery {
  alias: string;
  sort: SortKey[];
  direction: 'asc' | 'desc';
  /** The filter, without the cursor, as SQL with `?` placeholders. */
  where: string;
  params: unknown[];
  first: number;
  after?: string | null;
  /** Names the ordering, so that a cursor of one ordering is refused by another. */
  tag: string;
  /** Related rows to fetch with each row of the page, in the same statement. */
  prefetch?: Prefetch[];
  /** The properties the page's rows carry (RowReader.propsFor); all of them when absent. */
  props?: Set<string>;
}

/**
 * One page of a table ordered by `sort` and then the id, fetched with a row-value comparison
 * against the cursor (`(k, id) < (?, ?)`), so that pages neither skip nor repeat rows however
 * many share a sort value, and rows added meanwhile before the cursor do not shift later pages.
 * The sort values come from the database itself, so the cursor compares exactly as SQL does.
 */
/**
 * A row's sort values (selected as `__s0`, `__s1`, …), as a cursor carries them. They stay on
 * the row: deleting a property puts the object into V8's slow dictionary mode, which every
 * field read from the row would then pay for.
 */
function sortValues(sort: SortKey[], row: Record<string, unknown>): CursorValue[] {
  return sort.map((key, i) => {
    const v = row[`__s${i}`];
    if (v === null || v === undefined) return null;
    if (key.cast === 'timestamptz') return isoInstant(v);
    return key.cast === 'int' ? Number(v) : (v as CursorValue);
  });
}

/** The cursor of `after` for these sort keys, its values checked against their types. */
function keysetCursor(after: string | null | undefined, sort: SortKey[], tag: string): CursorValue[] | null {
  const cursor = decodeCursor(after, sort.length + 1, tag);
  if (cursor && !cursor.every((v, i) => (i < sort.length && sort[i].nullable && v === null) || cursorValueFits(v, i < sort.length ? sort[i].cast : 'uuid'))) {
    throw badUserInput('"after" is not a cursor of this list', 'after');
  }
  return cursor;
}

/**
 * The LIMIT of a page of `first` rows (one more, to tell whether there is a next page), written
 * into the statement's text rather than bound. Bound, the planner of a prepared statement cannot
 * see it: the generic plan is costed for 1,000 rows, never wins against a custom plan for 51,
 * and so PostgreSQL planned the statement again on every execution (measured: a quarter to a
 * half more backend CPU per list request). `first` is an integer of 1..100 (pageSize), so a
 * statement has at most 100 texts, each prepared once per connection.
 */
function pageLimit(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > 1000) throw new Error(`page size out of range: ${first}`);
  return first + 1;
}

export async function keysetPage<T extends object>(em: EntityManager, rows: RowReader<T>, q: KeysetQuery): Promise<ConnectionShape<Row<T>>> {
  const cursor = keysetCursor(q.after, q.sort, q.tag);
  const a = q.alias;
  const table = rows.table(em);
  const pageWhere = cursor ? `(${q.where}) and ${afterCursor(a, q.sort, q.direction)}` : q.where;
  const params = cursor ? [...q.params, ...cursor] : q.params;
  const select = q.sort.map((s, i) => `${s.sql} as "__s${i}"`).join(', ');
  const order = orderBy(a, q.sort, q.direction);
  const prefetch = q.prefetch?.length ? prefetchSql(em, rows, a, q.prefetch) : null;
  const found = await readRows(em,
    `select ${rows.columns(em, a, q.props)}, ${select}${prefetch ? `, ${prefetch.columns}` : ''}
     from "${table}" ${a}${prefetch?.joins ? ` ${prefetch.joins}` : ''} where ${pageWhere} order by ${order} limit ${pageLimit(q.first)}`,
    params);
  const sortOf = new Map<Row<T>, CursorValue[]>();
  const values = found.map((row) => sortValues(q.sort, row));
  keepPrefetched(em, found, q.prefetch ?? []);
  const nodes = rows.finish(em, found);
  nodes.forEach((node, i) => sortOf.set(node, values[i]));
  return toConnection(nodes, q.first, q.after, q.tag, (n) => [...(sortOf.get(n) ?? []), (n as { id: string }).id], async () => {
    const res = await readRows<{ n: string }>(em, `select count(*) as n from "${table}" ${a} where ${q.where}`, q.params);
    return Number(res[0].n);
  });
}

/**
 * Escapes LIKE's wildcards so that a search for "50%" means the text "50%". The pattern is
 * lower-cased by PostgreSQL (`like lower(?)`), as the search text is, so both fold alike.
 */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ParentKeysetQuery extends Omit<KeysetQuery, 'where' | 'params' | 'tag' | 'prefetch'> {
  /** The table's column names come from the reader; this is the parent's, e.g. `entity_id`. */
  /** The column that names a row's parent, e.g. `entity_id`. */
  parentColumn: string;
  /** A cursor belongs to one parent's list; this names it. */
  tag: (parentId: string) => string;
}

/**
 * The same page (`first`, `after`) of many parents' lists in one statement: a lateral join
 * over the parent ids, each side using the (parent, sort…, id) index. This is what a list of
 * leads asking each for its first few children needs, instead of one query per lead. `after`
 * is a cursor of one parent's list; the other parents of the batch then get BAD_USER_INPUT
 * from `decodeCursor`, as they would alone.
 */
export async function keysetPagesByParent<T extends object>(
  em: EntityManager, reader: RowReader<T>, parentIds: readonly string[], q: ParentKeysetQuery,
): Promise<(ConnectionShape<Row<T>> | Error)[]> {
  const a = q.alias;
  const table = reader.table(em);
  const order = orderBy(a, q.sort, q.direction);
  const select = q.sort.map((s, i) => `${s.sql} as "__s${i}"`).join(', ');
  const cursors = new Map<string, CursorValue[] | null>();
  const results = new Map<string, ConnectionShape<Row<T>> | Error>();
  for (const id of parentIds) {
    try {
      cursors.set(id, keysetCursor(q.after, q.sort, q.tag(id)));
    } catch (err) {
      results.set(id, err as Error);
    }
  }
  const ids = parentIds.filter((id) => cursors.has(id));
  const cursor = ids.length ? cursors.get(ids[0]) ?? null : null;
  const rows = ids.length ? await readRows(em,
    `select ${reader.columns(em, a)}, ${a}."${q.parentColumn}" as "__parent", ${select} from unnest(?::uuid[]) as p(id) cross join lateral (
       select * from "${table}" ${a} where ${a}."${q.parentColumn}" = p.id
       ${cursor ? `and ${afterCursor(a, q.sort, q.direction)}` : ''}
       order by ${order} limit ${pageLimit(q.first)}) ${a}`,
    [ids, ...(cursor ?? [])]) : [];
  const byParent = new Map<string, { node: Row<T>; values: CursorValue[] }[]>(ids.map((id) => [id, []]));
  const parents = rows.map((row) => String(row.__parent));
  const values = rows.map((row) => sortValues(q.sort, row));
  reader.finish(em, rows).forEach((node, i) => byParent.get(parents[i])?.push({ node, values: values[i] }));
  let counts: Promise<Map<string, number>> | undefined;
  const countAll = () => (counts ??= readRows<{ parent: string; n: string }>(em,
    `select "${q.parentColumn}" as parent, count(*) as n from "${table}" where "${q.parentColumn}" = any(?::uuid[]) group by 1`,
    [ids]).then((r) => new Map(r.map((x) => [String(x.parent), Number(x.n)]))));
  for (const id of ids) {
    const list = byParent.get(id)!;
    const sortOf = new Map(list.map((x) => [x.node, x.values]));
    results.set(id, toConnection(list.map((x) => x.node), q.first, q.after, q.tag(id),
      (n) => [...(sortOf.get(n) ?? []), (n as { id: string }).id], async () => (await countAll()).get(id) ?? 0));
  }
  return parentIds.map((id) => results.get(id)!);
}
