import type { EntityManager } from '@mikro-orm/postgresql';
import type { RowReader } from './rows';

/**
 * Related rows fetched inside their parent's own statement, as JSON built by PostgreSQL, for
 * the relations a response asks for. A list of leads with owners and stakeholders (with their
 * contacts and accounts) is then one statement, not one per level. Field resolvers take a
 * prefetched value when there is one and fall back to their batched loaders otherwise.
 */
export interface Prefetch {
  /** The parent's GraphQL field that the rows answer; also the key they are kept under. */
  field: string;
  reader: RowReader<object>;
  /**
   * `one`: the row that the parent's relation property names (e.g. a lead's `owner`).
   * `many`: the rows whose relation property `many` names the parent (a stakeholder's `lead`),
   * in the order of the properties in `orderBy`.
   */
  join: { one: string } | { many: string; orderBy: string[] };
  nested?: Prefetch[];
  /** The properties the rows carry (RowReader.propsFor); all of them when absent. */
  props?: Set<string>;
}

const key = (field: string) => `__pf_${field}`;

/** What a page's statement adds to read its rows' prefetched relations. */
export interface PrefetchSql {
  /** Select-list entries, `… as "__pf_<field>"`, each a JSON value. */
  columns: string;
  /** LEFT JOINs (of the to-one relations of the page's own rows), to follow its FROM item. */
  joins: string;
}

/**
 * The SQL that reads `specs` with each row of alias `alias`.
 *
 * Each related row comes back as a JSON array of its values in a fixed order (its columns, then
 * its own prefetched relations), not as an object keyed by property: PostgreSQL's
 * json_build_object spent more on writing the keys than on finding the rows, and Node parses
 * the shorter text faster too. `keepPrefetched` names the values again from the same
 * description of the row. A to-one row leaves out its id, which is its parent's foreign key,
 * and a to-one relation of the page's rows is a LEFT JOIN on its primary key rather than a
 * subquery per row (planned as an index lookup rather than a scan of a small table each time).
 * Measured by the backend CPU of the list statement, each of the three cut its cost.
 */
export function prefetchSql(em: EntityManager, parent: RowReader<object>, alias: string, specs: Prefetch[]): PrefetchSql {
  const columns: string[] = [];
  const joins: string[] = [];
  for (const spec of specs) {
    if ('one' in spec.join) {
      const a = `pf0_${spec.field}`;
      const id = `${a}."${spec.reader.idColumn(em)}"`;
      joins.push(`left join "${spec.reader.table(em)}" ${a} on ${id} = ${alias}."${parent.column(em, spec.join.one)}"`);
      columns.push(`case when ${id} is null then null else ${values(em, spec, a, 1)} end as "${key(spec.field)}"`);
    } else {
      columns.push(`${subquery(em, parent, alias, spec, 0)} as "${key(spec.field)}"`);
    }
  }
  return { columns: columns.join(', '), joins: joins.join(' ') };
}

/** The JSON array of the values of `spec`'s row of alias `a`, with its nested relations read at `depth`. */
function values(em: EntityManager, spec: Prefetch, a: string, depth: number): string {
  const nested = (spec.nested ?? []).map((n) => subquery(em, spec.reader, a, n, depth));
  return spec.reader.jsonArray(em, a, nested, ownProps(em, spec));
}

/** The properties whose values a prefetched row's array carries (undefined: every column). */
function ownProps(em: EntityManager, spec: Prefetch): Set<string> {
  const props = new Set(spec.props ?? spec.reader.selectedProps(em));
  if ('one' in spec.join) props.delete(spec.reader.primaryKey(em));
  return props;
}

function subquery(em: EntityManager, parent: RowReader<object>, alias: string, spec: Prefetch, depth: number): string {
  const a = `pf${depth}_${spec.field}`;
  const table = spec.reader.table(em);
  const row = values(em, spec, a, depth + 1);
  if ('one' in spec.join) {
    return `(select ${row} from "${table}" ${a} where ${a}."${spec.reader.idColumn(em)}" = ${alias}."${parent.column(em, spec.join.one)}")`;
  }
  const order = spec.join.orderBy.map((p) => `${a}."${spec.reader.column(em, p)}"`).join(', ');
  return `(select coalesce(json_agg(${row} order by ${order}), '[]'::json) from "${table}" ${a} where ${a}."${spec.reader.column(em, spec.join.many)}" = ${alias}."${parent.idColumn(em)}")`;
}

/** How to name the values of one prefetched relation's rows, worked out once per statement. */
interface Decoder {
  spec: Prefetch;
  /** Property names, in the order `jsonArray` wrote the values. */
  names: string[];
  /** A to-one row's primary key, which its parent's foreign key gives. */
  id?: { prop: string; parentProp: string };
  nested: [string, Decoder][];
}

function decoderOf(em: EntityManager, spec: Prefetch): Decoder {
  const nested = spec.nested ?? [];
  return {
    spec,
    names: [...spec.reader.selectedProps(em, ownProps(em, spec)), ...nested.map((n) => key(n.field))],
    id: 'one' in spec.join ? { prop: spec.reader.primaryKey(em), parentProp: spec.join.one } : undefined,
    nested: nested.map((n) => [key(n.field), decoderOf(em, n)]),
  };
}

/** A prefetched row's values as an object keyed by property (nested relations under `__pf_<field>`). */
function named(em: EntityManager, d: Decoder, values: unknown[], parent: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (d.id) {
    if (!(d.id.parentProp in parent)) throw new Error(`prefetching ${d.spec.field} needs its parent's ${d.id.parentProp}`);
    row[d.id.prop] = parent[d.id.parentProp];
  }
  for (let i = 0; i < d.names.length; i++) row[d.names[i]] = values[i];
  for (const [k, n] of d.nested) row[k] = decode(em, n, row[k], row);
  return row;
}

/** The value of a prefetched column as rows: one row, null, or a list of rows. */
function decode(em: EntityManager, d: Decoder, value: unknown, parent: Record<string, unknown>): unknown {
  if (value === null || value === undefined) return null;
  if ('one' in d.spec.join) {
    const row = named(em, d, value as unknown[], parent);
    d.spec.reader.finish(em, [row]);
    return row;
  }
  const rows = (value as unknown[][]).map((v) => named(em, d, v, parent));
  d.spec.reader.finish(em, rows);
  return rows;
}

/**
 * Finishes, in place, the prefetched values of rows read with `prefetchSql`: each becomes
 * a row (or a list of rows) keyed by property, with instants as Dates, at every level. They stay
 * under `__pf_<field>` on their parent row: replacing a property's value keeps the parent a fast
 * object, where taking it off with `delete` turned every row into a slow dictionary-mode object
 * that every field of the response then paid for.
 */
export function keepPrefetched(em: EntityManager, rows: Record<string, unknown>[], specs: Prefetch[]): void {
  for (const spec of specs) {
    const k = key(spec.field);
    const d = decoderOf(em, spec);
    for (const row of rows) row[k] = decode(em, d, row[k], row);
  }
}

/**
 * The value prefetched for `field` of `row` (null when prefetched as absent), or what `load`
 * gives when nothing was prefetched.
 */
export function prefetchedOr<T>(row: object, field: string, load: () => Promise<T>): T | Promise<T> {
  const k = key(field);
  const value = (row as Record<string, unknown>)[k];
  if (value !== undefined) return value as T;
  return k in row ? null as T : load();
}
