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

/** The select-list entries (`(subquery) as "__pf_field"`) for `specs` below the row of `alias`. */
export function prefetchColumns(em: EntityManager, parent: RowReader<object>, alias: string, specs: Prefetch[]): string {
  return subqueries(em, parent, alias, specs, 0).map(([k, sql]) => `${sql} as "${k}"`).join(', ');
}

function subqueries(em: EntityManager, parent: RowReader<object>, alias: string, specs: Prefetch[], depth: number): [string, string][] {
  return specs.map((spec) => {
    const a = `pf${depth}_${spec.field}`;
    const table = spec.reader.table(em);
    const object = spec.reader.json(em, a, subqueries(em, spec.reader, a, spec.nested ?? [], depth + 1), spec.props);
    if ('one' in spec.join) {
      return [key(spec.field),
        `(select ${object} from "${table}" ${a} where ${a}."${spec.reader.idColumn(em)}" = ${alias}."${parent.column(em, spec.join.one)}")`];
    }
    const order = spec.join.orderBy.map((p) => `${a}."${spec.reader.column(em, p)}"`).join(', ');
    return [key(spec.field),
      `(select coalesce(json_agg(${object} order by ${order}), '[]'::json) from "${table}" ${a} where ${a}."${spec.reader.column(em, spec.join.many)}" = ${alias}."${parent.idColumn(em)}")`];
  });
}

/**
 * Finishes, in place, the prefetched JSON of rows read with `prefetchColumns` (instants become
 * Dates, at every level). The values stay where PostgreSQL put them, under `__pf_<field>`:
 * taking them off with `delete` turned every row into a slow dictionary-mode object, which
 * every field of the response then paid for.
 */
export function keepPrefetched(em: EntityManager, rows: Record<string, unknown>[], specs: Prefetch[]): void {
  for (const spec of specs) {
    const k = key(spec.field);
    const nested = spec.nested ?? [];
    for (const row of rows) {
      const value = row[k];
      if (value === null || value === undefined) continue;
      const list = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
      if (nested.length) keepPrefetched(em, list, nested);
      spec.reader.finish(em, list);
    }
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
