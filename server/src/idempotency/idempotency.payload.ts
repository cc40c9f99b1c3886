import {
  getNamedType, isListType, isNonNullType, isObjectType, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode,
  type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import type { UserError } from '../common/errors';

type Fragments = Record<string, FragmentDefinitionNode>;

/** The fields a selection set asks of `type`, through fragments whose condition it meets. */
function fieldsOf(type: GraphQLObjectType, set: SelectionSetNode, fragments: Fragments, schema: GraphQLSchema): FieldNode[] {
  const applies = (condition?: string) => {
    if (!condition || condition === type.name) return true;
    const abstract = schema.getType(condition);
    return !!abstract && !isObjectType(abstract) && schema.isSubType(abstract as never, type);
  };
  return set.selections.flatMap((sel) => {
    if (sel.kind === Kind.FIELD) return [sel];
    if (sel.kind === Kind.INLINE_FRAGMENT) return applies(sel.typeCondition?.name.value) ? fieldsOf(type, sel.selectionSet, fragments, schema) : [];
    const fragment = fragments[sel.name.value];
    return fragment && applies(fragment.typeCondition.name.value) ? fieldsOf(type, fragment.selectionSet, fragments, schema) : [];
  });
}

/** A value that satisfies `type` and says nothing: null where allowed, else empty or zero. */
function nothing(type: GraphQLOutputType): unknown {
  if (!isNonNullType(type)) return null;
  if (isListType(type.ofType)) return [];
  switch (getNamedType(type).name) {
    case 'Int': case 'Float': return 0;
    case 'Boolean': return false;
    default: return '';
  }
}

function project(type: GraphQLObjectType, set: SelectionSetNode, value: Record<string, unknown>, fragments: Fragments, schema: GraphQLSchema) {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(type, set, fragments, schema)) {
    out[f.alias?.value ?? f.name.value] = f.name.value === '__typename' ? type.name : value[f.name.value] ?? null;
  }
  return out;
}

/**
 * The data of a mutation answered without running it: every root field's payload carries
 * `error` in its userErrors and otherwise nothing (null, empty lists, zero counts), shaped by
 * the request's own selection — aliases and fragments included — so that typed clients read
 * it like any other payload.
 */
export function payloadWithError(
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, error: UserError,
): Record<string, unknown> {
  const fragments: Fragments = Object.fromEntries(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const mutation = schema.getMutationType()!;
  const data: Record<string, unknown> = {};
  for (const root of fieldsOf(mutation, operation.selectionSet, fragments, schema)) {
    const key = root.alias?.value ?? root.name.value;
    if (root.name.value === '__typename') { data[key] = mutation.name; continue; }
    const payloadType = getNamedType(mutation.getFields()[root.name.value].type) as GraphQLObjectType;
    const payload: Record<string, unknown> = {};
    for (const f of fieldsOf(payloadType, root.selectionSet!, fragments, schema)) {
      const name = f.name.value;
      const k = f.alias?.value ?? name;
      if (name === '__typename') payload[k] = payloadType.name;
      else if (name === 'userErrors') {
        const errorType = getNamedType(payloadType.getFields()[name].type) as GraphQLObjectType;
        payload[k] = [project(errorType, f.selectionSet!, { ...error }, fragments, schema)];
      } else payload[k] = nothing(payloadType.getFields()[name].type);
    }
    data[key] = payload;
  }
  return data;
}
