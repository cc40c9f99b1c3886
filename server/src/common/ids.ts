const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs today; anything else cannot name a record and is simply not found. */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** The canonical (lower-case) form of a UUID, so that "ABC…" and "abc…" name one record. */
export function normaliseId(id: string): string {
  return isUuid(id) ? id.toLowerCase() : id;
}

/** A many-to-one value as it comes: a MikroORM reference or entity, a plain row's id, or none. */
export type ForeignKey = string | { id: string } | null | undefined;

/** The id a foreign key names: the same for an entity's reference and a plain row's column. */
export function idOf(fk: ForeignKey): string | null {
  if (fk === null || fk === undefined) return null;
  return typeof fk === 'string' ? fk : fk.id;
}
