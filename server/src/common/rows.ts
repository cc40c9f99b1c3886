import { ReferenceKind, type EntityClass, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from './sql';

/**
 * An entity as the read path serves it: a plain object with the entity's persisted
 * properties, where each relation is the id it names (a `Ref<User>` becomes the user's id).
 * Reads answer with rows, never managed entities: hydrating a page of entities into the
 * identity map costs more CPU than the whole rest of a request. Writes keep the unit of work.
 */
export type Row<T> = { -readonly [K in keyof T]: RowValue<T[K]> };
type RowValue<V> = V extends { unwrap(): unknown } ? string : V;

/** A record served by the read path: an entity (from a mutation) or a plain row. */
export type Readable<T> = T | Row<T>;

interface Shape {
  table: string;
  /** [property, column] of every column a row carries, lazy ones (file bodies) excepted. */
  columns: [string, string][];
  /** Properties whose values must reach JavaScript as text to stay exact (decimals, big integers). */
  exact: Set<string>;
  /** Properties that PostgreSQL returns as text but rows carry as Dates. */
  instants: string[];
  primaryKey: string;
}

const shapes = new WeakMap<EntityMetadata, Shape>();

function shapeOf(meta: EntityMetadata): Shape {
  let shape = shapes.get(meta);
  if (shape) return shape;
  const columns: [string, string][] = [];
  const instants: string[] = [];
  const exact = new Set<string>();
  for (const prop of meta.props as EntityProperty[]) {
    if (prop.persist === false || prop.lazy || prop.formula || !prop.fieldNames?.length) continue;
    const owning = prop.kind === ReferenceKind.SCALAR
      || prop.kind === ReferenceKind.MANY_TO_ONE
      || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
    if (!owning) continue;
    columns.push([prop.name, prop.fieldNames[0]]);
    if (prop.kind === ReferenceKind.SCALAR && prop.runtimeType === 'Date') instants.push(prop.name);
    if (prop.kind === ReferenceKind.SCALAR && /^(decimal|numeric|bigint)/i.test(String(prop.columnTypes?.[0] ?? prop.type))) exact.add(prop.name);
  }
  shape = { table: meta.tableName, columns, exact, instants, primaryKey: meta.primaryKeys[0] };
  shapes.set(meta, shape);
  return shape;
}

/** PostgreSQL's text form of a timestamptz ("2026-01-31 09:30:00.123+00") as a Date. */
function instant(value: unknown): Date | null {
  if (value === null || value === undefined || value instanceof Date) return (value as Date | null) ?? null;
  const text = String(value);
  return new Date(`${text.replace(' ', 'T')}${/[+-]\d{2}$/.test(text) ? ':00' : ''}`);
}

/** The fields a response asks of each record, by name, as `graphql-fields` gives them. */
export type Selection = { [field: string]: Selection };

/**
 * What a type's GraphQL fields read besides the columns they are named after, so that a row
 * can carry only what the response asks for.
 */
export interface FieldNeeds {
  /** Properties every row carries whatever is asked: the id, and what the access policy reads. */
  always?: string[];
  /** Fields that are not columns of their own, with the properties they read (none: `[]`). */
  computed?: Record<string, string[]>;
}

/**
 * Reads an entity's table as plain rows. The entity's metadata is the one description of the
 * table: column names and which columns hold instants come from it, never from a copy here.
 */
export class RowReader<T extends object> {
  constructor(readonly entity: EntityClass<T>, private readonly needs: FieldNeeds = {}) {}

  /**
   * The properties a row must carry to answer `selection`, or undefined for all of them. A
   * field this reader does not know (neither a column nor a listed computed field) makes it
   * read whole rows: a new field is then right, only slower, until it is listed.
   */
  propsFor(em: EntityManager, selection: Selection): Set<string> | undefined {
    const shape = this.shape(em);
    const props = new Set([shape.primaryKey, ...(this.needs.always ?? [])]);
    for (const field of Object.keys(selection)) {
      if (field === '__typename') continue;
      const computed = this.needs.computed?.[field];
      if (computed) for (const p of computed) props.add(p);
      else if (shape.columns.some(([p]) => p === field)) props.add(field);
      else return undefined;
    }
    return props;
  }

  private selected(em: EntityManager, props?: Set<string>): [string, string][] {
    const { columns } = this.shape(em);
    return props ? columns.filter(([p]) => props.has(p)) : columns;
  }

  private shape(em: EntityManager): Shape {
    return shapeOf(em.getMetadata().get(this.entity.name));
  }

  table(em: EntityManager): string {
    return this.shape(em).table;
  }

  /** [property, column] of every column a row carries. */
  columnPairs(em: EntityManager): readonly [string, string][] {
    return this.shape(em).columns;
  }

  /** The select list over the table alias `alias`: every column (or those of `props`), named as its property. */
  columns(em: EntityManager, alias: string, props?: Set<string>): string {
    return this.selected(em, props).map(([prop, column]) => `${alias}."${column}" as "${prop}"`).join(', ');
  }

  /** The primary key's property. */
  primaryKey(em: EntityManager): string {
    return this.shape(em).primaryKey;
  }

  /** The primary key's column. */
  idColumn(em: EntityManager): string {
    return this.column(em, this.shape(em).primaryKey);
  }

  /** The column that holds property `prop` (for a relation, its foreign key). */
  column(em: EntityManager, prop: string): string {
    const found = this.shape(em).columns.find(([p]) => p === prop);
    if (!found) throw new Error(`${this.entity.name} has no column for ${prop}`);
    return found[1];
  }

  /** The properties a row carries (all of them, or those of `props`), in column order. */
  selectedProps(em: EntityManager, props?: Set<string>): string[] {
    return this.selected(em, props).map(([prop]) => prop);
  }

  /**
   * A JSON array of the values of the row of alias `alias`, in the order of `selectedProps`
   * (decimals as text, so that money stays exact), with the `extra` SQL values appended.
   * PostgreSQL's functions take at most 100 arguments, so longer rows are built in parts.
   */
  jsonArray(em: EntityManager, alias: string, extra: string[] = [], props?: Set<string>): string {
    const { exact } = this.shape(em);
    const values = [
      ...this.selected(em, props).map(([prop, column]) => `${alias}."${column}"${exact.has(prop) ? '::text' : ''}`),
      ...extra,
    ];
    const parts: string[] = [];
    for (let i = 0; i < values.length; i += 90) parts.push(`json_build_array(${values.slice(i, i + 90).join(', ')})`);
    if (parts.length <= 1) return parts[0] ?? 'json_build_array()';
    return `(${parts.map((p) => `${p}::jsonb`).join(' || ')})::json`;
  }

  /** Completes rows as selected by `columns`: instants become Dates. */
  finish(em: EntityManager, rows: Record<string, unknown>[]): Row<T>[] {
    const { instants } = this.shape(em);
    for (const row of rows) {
      for (const p of instants) if (p in row) row[p] = instant(row[p]);
    }
    return rows as Row<T>[];
  }

  /** Rows by primary key, in one statement; missing ones are absent from the map. */
  async byIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, Row<T>>> {
    const shape = this.shape(em);
    const pk = shape.columns.find(([prop]) => prop === shape.primaryKey)![1];
    const rows = await readRows(em, `select ${this.columns(em, 't')} from "${shape.table}" t where t."${pk}" = any(?)`, [[...ids]]);
    const found = new Map<string, Row<T>>();
    for (const row of this.finish(em, rows)) found.set(String((row as Record<string, unknown>)[shape.primaryKey]), row);
    return found;
  }
}

/** "Ada Lovelace": first and last name, either of which may be missing. */
export function fullName(row: { firstName?: string | null; lastName?: string | null }): string {
  return [row.firstName, row.lastName].filter(Boolean).join(' ');
}
