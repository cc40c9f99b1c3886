import { ReferenceKind, type EntityClass, type EntityMetadata, type EntityProperty, type PrimaryProperty } from '@mikro-orm/core';
import type { EntityManager, QueryBuilder } from '@mikro-orm/postgresql';

/**
 * Set-based reads and writes for bulk commands, without the unit of work. Creating thousands of
 * managed entities (identity map, change sets, the merge of a transaction's fork back into the
 * request) costs far more CPU than the statements themselves; these helpers write and read
 * plain records in one statement per table instead. The entity metadata is the one description
 * of every table: names, columns and their types come from it, never from a copy here.
 */

/** A relation as a record holds it: the key of the record it names, as a reference exposes it. */
type KeyOf<V> = V extends { unwrap(): infer U } ? Pick<U, PrimaryProperty<U> & keyof U> : V;

/**
 * An entity's data as a plain object: scalar properties as they are, each relation as an object
 * holding the key of what it names — `{ id }`, or a currency's `{ code }` — the shape in which a
 * MikroORM reference shows its key. An entity is itself an `EntityRecord` of its class, so code
 * that reads records reads entities too.
 */
export type EntityRecord<T> = { -readonly [K in keyof T]: KeyOf<T[K]> };

/** What a record's relation may be given as when writing: a reference, a record, `{ id }`, or the bare key. */
type Key = string | Record<string, unknown> | null | undefined;

interface Column {
  prop: string;
  /** Column name, and quoted. */
  name: string;
  column: string;
  /** The column's type without its modifier (`varchar`, `numeric`, `timestamptz`): the table's own type checks and rounds on assignment. */
  type: string;
  /** For a relation: the primary key property of the entity it names. */
  targetKey?: string;
}

interface Shape {
  table: string;
  columns: Column[];
  byProp: Map<string, Column>;
  key: Column;
  /** The prototype of the entity's records: the class's computed getters (`fullName`), nothing else. */
  proto: object;
}

const shapes = new WeakMap<EntityMetadata, Shape>();

function shapeOf(em: EntityManager, entity: EntityClass<object>): Shape {
  const meta = em.getMetadata().get(entity.name);
  let shape = shapes.get(meta);
  if (shape) return shape;
  const quote = (name: string) => em.getPlatform().quoteIdentifier(name);
  const columns: Column[] = [];
  for (const prop of meta.props as EntityProperty[]) {
    if (prop.persist === false || prop.formula || !prop.fieldNames?.length) continue;
    const owning = prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE
      || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
    if (!owning || prop.fieldNames.length !== 1) continue;
    columns.push({
      prop: prop.name, name: prop.fieldNames[0], column: quote(prop.fieldNames[0]), type: prop.columnTypes[0].replace(/\(.*\)$/, ''),
      targetKey: prop.kind === ReferenceKind.SCALAR ? undefined : prop.targetMeta!.primaryKeys[0],
    });
  }
  const proto = {};
  for (const [name, desc] of Object.entries(Object.getOwnPropertyDescriptors(entity.prototype))) {
    // Getters without setters are computed properties of the class; MikroORM's own accessors have setters.
    if (desc.get && !desc.set && !name.startsWith('__')) Object.defineProperty(proto, name, { get: desc.get, enumerable: false });
  }
  const byProp = new Map(columns.map((c) => [c.prop, c]));
  shape = { table: quote(meta.tableName), columns, byProp, key: byProp.get(meta.primaryKeys[0])!, proto };
  shapes.set(meta, shape);
  return shape;
}

const keyOf = (value: Key, targetKey: string): unknown =>
  value === null || value === undefined ? null : typeof value === 'object' ? value[targetKey] : value;

/** A record of `entity` from a row mapped to property names (relations as bare keys). */
function toRecord<T>(shape: Shape, row: Record<string, unknown>): EntityRecord<T> {
  const record = Object.create(shape.proto) as Record<string, unknown>;
  for (const c of shape.columns) {
    const value = row[c.prop];
    record[c.prop] = c.targetKey && value !== null && value !== undefined ? { [c.targetKey]: value } : value;
  }
  return record as EntityRecord<T>;
}

/** A new record of `entity` from its data (relations given in any form of {@link Key}); computed getters work on it. */
export function newRecord<T extends object>(em: EntityManager, entity: EntityClass<T>, data: Partial<Record<keyof T, unknown>>): EntityRecord<T> {
  const shape = shapeOf(em, entity);
  const row: Record<string, unknown> = {};
  for (const c of shape.columns) {
    const value = (data as Record<string, unknown>)[c.prop];
    row[c.prop] = c.targetKey ? keyOf(value as Key, c.targetKey) : value ?? null;
  }
  return toRecord<T>(shape, row);
}

/**
 * Reads records of `entity` with the query that `build` makes of a QueryBuilder over it (alias
 * `t`): every column, mapped to properties and types as the ORM maps them, but nothing is
 * hydrated into the identity map.
 */
export async function readRecords<T extends object>(
  em: EntityManager, entity: EntityClass<T>, build: (qb: QueryBuilder<T>) => QueryBuilder<T>,
): Promise<EntityRecord<T>[]> {
  const shape = shapeOf(em, entity);
  const qb = build(em.createQueryBuilder(entity, 't').select(shape.columns.map((c) => c.prop) as never));
  const rows = await qb.execute<Record<string, unknown>[]>('all', true);
  return rows.map((row) => toRecord<T>(shape, row));
}

/** Quoted table and column names of `entity`, by property, for statements written by hand. */
export function sqlNames<T extends object>(em: EntityManager, entity: EntityClass<T>): { table: string; column(prop: keyof T & string): string } {
  const shape = shapeOf(em, entity);
  return {
    table: shape.table,
    column(prop) {
      const c = shape.byProp.get(prop);
      if (!c) throw new Error(`${entity.name}.${prop} is not a column`);
      return c.column;
    },
  };
}

/**
 * `value` as JSON in an SQL string literal, escaped as pg's `escapeLiteral` does (an E'' string
 * with quotes and backslashes doubled) but with native replaces: MikroORM inlines every
 * parameter into the statement's text, and escaping megabytes of JSON one character at a time
 * would cost more than the statement. A statement holding such a literal takes no `?`
 * parameters, which MikroORM would look for inside the literal too.
 */
export function jsonLiteral(value: unknown): string {
  return `E'${JSON.stringify(value).replaceAll('\\', '\\\\').replaceAll("'", "''")}'::jsonb`;
}

/**
 * `rows` as `jsonb_to_recordset(<literal>) as alias(…)` over the columns of `props`: one
 * statement of any number of rows, its JSON written once (see {@link jsonLiteral}).
 */
export function recordset<T extends object>(
  em: EntityManager, entity: EntityClass<T>, props: readonly (keyof T & string)[], rows: readonly Partial<Record<keyof T, unknown>>[], alias: string,
): { sql: string; columns: string[] } {
  const shape = shapeOf(em, entity);
  const columns = props.map((p) => {
    const c = shape.byProp.get(p);
    if (!c) throw new Error(`${entity.name}.${p} is not a column`);
    return c;
  });
  const values = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const value = (row as Record<string, unknown>)[c.prop];
      out[c.name] = c.targetKey ? keyOf(value as Key, c.targetKey) : value ?? null;
    }
    return out;
  });
  return {
    sql: `jsonb_to_recordset(${jsonLiteral(values)}) as ${alias}(${columns.map((c) => `${c.column} ${c.type}`).join(', ')})`,
    columns: columns.map((c) => c.column),
  };
}

/** Rows to insert into the table of an entity; see {@link insertRecords}. */
export interface InsertBatch<T extends object = object> {
  entity: EntityClass<T>;
  rows: readonly Partial<Record<keyof T, unknown>>[];
}

export const batch = <T extends object>(entity: EntityClass<T>, rows: readonly Partial<Record<keyof T, unknown>>[]): InsertBatch<T> =>
  ({ entity, rows });

/**
 * Inserts every batch's rows into its entity's table, all in one statement whatever their
 * number (one `jsonb_to_recordset` per table, the inserts chained in a WITH). Every row of a
 * batch gives the same properties (those of its first row are written); relations may be
 * references, records, `{ id }` or bare keys. No entity is created and nothing enters the
 * identity map. Because PostgreSQL checks foreign keys at the end of the statement, rows of one
 * call may name each other both ways — a new account its primary contact, the contact its account.
 */
export async function insertRecords(em: EntityManager, ...batches: InsertBatch[]): Promise<void> {
  const inserts = batches.filter((b) => b.rows.length).map((b) => {
    const set = recordset(em, b.entity, Object.keys(b.rows[0]) as never[], b.rows, 'r');
    const list = set.columns.join(', ');
    return `insert into ${shapeOf(em, b.entity).table} (${list}) select ${list} from ${set.sql}`;
  });
  if (!inserts.length) return;
  const last = inserts.pop()!;
  await em.execute(inserts.length ? `with ${inserts.map((sql, i) => `i${i} as (${sql})`).join(', ')} ${last}` : last);
}
