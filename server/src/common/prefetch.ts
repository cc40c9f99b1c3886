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

const PREFETCHED = Symbol('prefetched');
type Prefetched = Record<string, unknown>;

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

/** Takes the prefetched JSON off rows read with `prefetchColumns` and keeps it, finished, on them. */
export function keepPrefetched(em: EntityManager, rows: Record<string, unknown>[], specs: Prefetch[]): void {
  if (!specs.length) return;
  for (const row of rows) {
    const kept: Prefetched = {};
    for (const spec of specs) {
      const value = row[key(spec.field)];
      delete row[key(spec.field)];
      const list = value === null || value === undefined ? [] : (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
      keepPrefetched(em, list, spec.nested ?? []);
      spec.reader.finish(em, list);
      kept[spec.field] = 'one' in spec.join ? list[0] ?? null : list;
    }
    Object.defineProperty(row, PREFETCHED, { value: kept });
  }
}

/**
 * The value prefetched for `field` of `row` (null when prefetched as absent), or what `load`
 * gives when nothing was prefetched.
 */
export function prefetchedOr<T>(row: object, field: string, load: () => Promise<T>): T | Promise<T> {
  const kept = (row as { [PREFETCHED]?: Prefetched })[PREFETCHED];
  return kept && field in kept ? kept[field] as T : load();
}
