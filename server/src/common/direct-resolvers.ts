import {
  isAbstractType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type ParamGetter = (root: unknown, context: unknown, info: unknown) => unknown;

/**
 * Calls the plain field resolvers of the resolver classes directly, without type-graphql's
 * per-call wrapper. That wrapper sorts and maps the parameter list, builds a resolver-data
 * object and looks up the class instance on every call of every field: on a page of 50 leads
 * with their owners, stakeholders, contacts and accounts, some 400 calls per response, a
 * profile's measurable share. Only resolvers the wrapper adds nothing to are called directly:
 * declared in a resolver class (`@FieldResolver`), without `@Authorized` or middlewares, whose
 * parameters are only the parent (`@Root()`, not converted to a class: a row or an entity as it
 * is), the context and the resolve info. The rest keep type-graphql's own resolver. Returns the
 * fields it rewired, as `Type.field`.
 */
export function callFieldResolversDirectly(schema: GraphQLSchema): string[] {
  const storage = getMetadataStorage();
  const instances = new Map<Function, object>();
  const rewired: string[] = [];
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'external' || meta.roles?.length || meta.middlewares?.length) continue;
    const objectClass = meta.getObjectType?.();
    const typeName = storage.objectTypes.find((o) => o.target === objectClass)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    if (!isObjectType(type)) continue;
    const field = type.getFields()[meta.schemaName];
    if (!field) continue;
    const getters: ParamGetter[] = [];
    for (const p of [...(meta.params ?? [])].sort((a, b) => a.index - b.index)) {
      if (p.kind === 'root' && !p.propertyName && (!p.getType || p.getType() === Object)) getters.push((root) => root);
      else if (p.kind === 'context' && !p.propertyName) getters.push((_root, context) => context);
      else if (p.kind === 'info') getters.push((_root, _context, info) => info);
      else { getters.length = 0; getters.push(null as never); break; }
    }
    if (getters[0] === null) continue;
    let instance = instances.get(meta.target);
    if (!instance) instances.set(meta.target, instance = new (meta.target as new () => object)());
    const method = (instance as Record<string, (...args: unknown[]) => unknown>)[meta.methodName].bind(instance);
    const [g0, g1, g2] = getters;
    const resolve: GraphQLFieldResolver<unknown, unknown> = getters.length === 0 ? () => method()
      : getters.length === 1 ? (root, _args, context, info) => method(g0(root, context, info))
        : getters.length === 2 ? (root, _args, context, info) => method(g0(root, context, info), g1(root, context, info))
          : getters.length === 3 ? (root, _args, context, info) => method(g0(root, context, info), g1(root, context, info), g2(root, context, info))
            : (root, _args, context, info) => method(...getters.map((g) => g(root, context, info)));
    field.resolve = resolve;
    rewired.push(`${type.name}.${field.name}`);
  }
  return rewired;
}

/**
 * Calls the `resolveType` of the unions and interfaces that declare one directly. type-graphql
 * wraps it in an async function, so that every item of a timeline waited for a promise to learn
 * its type, and graphql-jit (http/executor.ts) takes no promise there at all: it would answer
 * every item with an error. A class that `resolveType` returns is named here as type-graphql
 * names it. Returns the types it rewired.
 */
export function resolveAbstractTypesDirectly(schema: GraphQLSchema): string[] {
  const storage = getMetadataStorage();
  const nameOf = (value: unknown): string | undefined => (typeof value === 'string' ? value
    : typeof value === 'function' ? storage.objectTypes.find((o) => o.target === value)?.name : undefined);
  const rewired: string[] = [];
  for (const meta of [...storage.unions, ...storage.interfaceTypes]) {
    const declared = meta.resolveType;
    const type = schema.getType(meta.name);
    if (!declared || !isAbstractType(type)) continue;
    const resolveType: GraphQLTypeResolver<unknown, unknown> = (value, context, info, abstractType) => {
      const resolved: unknown = declared(value, context, info, abstractType);
      return resolved instanceof Promise ? resolved.then(nameOf) : nameOf(resolved);
    };
    type.resolveType = resolveType;
    rewired.push(type.name);
  }
  return rewired;
}
