import {
  isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema,
} from 'graphql';
import { ENUM_DOCS } from './enum-docs';

/**
 * Descriptions of schema elements by schema coordinate: `Type`, `Type.field`,
 * `Type.field(arg:)`, `Enum.VALUE` (an input field is `Input.field`). A type part that starts
 * with `*` matches every type whose name ends with the rest (`*Edge.cursor`), and `$1` in the
 * text stands for what the `*` matched (`Lead` for `LeadEdge`).
 *
 * Each feature folder keeps the descriptions of its types in a `<feature>.docs.ts` file;
 * `createSchema` applies them where the code's decorators gave none, so that every element of
 * the schema says what it means, its bounds and who may use it (test/schema-docs.test.ts fails
 * on any that does not, and on any description that names nothing).
 */
export type SchemaDocs = Record<string, string>;

interface Target { description?: string | null | undefined }

/** The elements `coordinate` names in `schema` (several for a wildcard), with the `*` match. */
function resolve(schema: GraphQLSchema, coordinate: string): Array<{ target: Target; star: string }> {
  const m = /^(\*?[A-Za-z_][\w]*)(?:\.([A-Za-z_]\w*)(?:\(([A-Za-z_]\w*):\))?)?$/.exec(coordinate);
  if (!m) throw new Error(`schema docs: not a schema coordinate: ${coordinate}`);
  const [, typePart, member, arg] = m;
  const types: Array<{ type: GraphQLNamedType; star: string }> = typePart!.startsWith('*')
    ? Object.values(schema.getTypeMap())
      .filter((t) => !t.name.startsWith('__') && t.name.endsWith(typePart!.slice(1)) && t.name !== typePart!.slice(1))
      .map((type) => ({ type, star: type.name.slice(0, -(typePart!.length - 1)) }))
    : schema.getType(typePart!) ? [{ type: schema.getType(typePart!)!, star: '' }] : [];
  const found: Array<{ target: Target; star: string }> = [];
  for (const { type, star } of types) {
    if (!member) {
      found.push({ target: type, star });
      continue;
    }
    if (isEnumType(type)) {
      const value = type.getValue(member);
      if (value && !arg) found.push({ target: value, star });
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
    const field = type.getFields()[member];
    if (!field) continue;
    if (!arg) {
      found.push({ target: field, star });
      continue;
    }
    const argument = 'args' in field ? field.args.find((a) => a.name === arg) : undefined;
    if (argument) found.push({ target: argument, star });
  }
  return found;
}

/**
 * Gives every element named in `docs` its description, unless the code gave it one. Returns
 * the coordinates that named nothing (a renamed field, a typo).
 */
export function applySchemaDocs(schema: GraphQLSchema, docs: SchemaDocs): string[] {
  const unmatched: string[] = [];
  for (const [coordinate, text] of Object.entries(docs)) {
    const found = resolve(schema, coordinate);
    if (found.length === 0) unmatched.push(coordinate);
    for (const { target, star } of found) {
      if (!target.description) target.description = text.replace(/\$1/g, star);
    }
  }
  return unmatched;
}

/** The enums' descriptions (common/enum-docs.ts) as schema docs. */
export function enumSchemaDocs(): SchemaDocs {
  const docs: SchemaDocs = {};
  for (const [name, doc] of Object.entries(ENUM_DOCS)) {
    docs[name] = doc.description;
    for (const [value, text] of Object.entries(doc.values)) docs[`${name}.${value}`] = text;
  }
  return docs;
}

/** Every element of `schema` without a description, by coordinate (built-in scalars aside). */
export function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    if (!type.description) missing.push(type.name);
    if (isEnumType(type)) {
      for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    } else if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        if (!f.description) missing.push(`${type.name}.${f.name}`);
        if ('args' in f) for (const a of f.args) if (!a.description) missing.push(`${type.name}.${f.name}(${a.name}:)`);
      }
    }
  }
  return missing;
}
