import {
  getDirectiveValues, getNamedType, GraphQLIncludeDirective, GraphQLSkipDirective, isListType, isNonNullType, isObjectType, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode,
  type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema, type OperationDefinitionNode, type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { UserError } from '../common/errors';

interface Request { schema: GraphQLSchema; fragments: Record<string, FragmentDefinitionNode>; variables: Record<string, unknown> }

/** What `@skip` and `@include` leave of a selection, as execution would. */
function included(sel: SelectionNode, variables: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, sel, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, sel, variables)?.if !== false;
}

/** The fields a selection set asks of `type`, through fragments whose condition it meets. */
function fieldsOf(type: GraphQLObjectType, set: SelectionSetNode, r: Request): FieldNode[] {
  const { schema, fragments } = r;
  const applies = (condition?: string) => {
    if (!condition || condition === type.name) return true;
    const abstract = schema.getType(condition);
    return !!abstract && !isObjectType(abstract) && schema.isSubType(abstract as never, type);
  };
  return set.selections.filter((sel) => included(sel, r.variables)).flatMap((sel) => {
    if (sel.kind === Kind.FIELD) return [sel];
    if (sel.kind === Kind.INLINE_FRAGMENT) return applies(sel.typeCondition?.name.value) ? fieldsOf(type, sel.selectionSet, r) : [];
    const fragment = fragments[sel.name.value];
    return fragment && applies(fragment.typeCondition.name.value) ? fieldsOf(type, fragment.selectionSet, r) : [];
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

function project(type: GraphQLObjectType, set: SelectionSetNode, value: Record<string, unknown>, r: Request) {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(type, set, r)) {
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
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, error: UserError,
): Record<string, unknown> {
  const fragments = Object.fromEntries(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const r: Request = { schema, fragments, variables };
  const mutation = schema.getMutationType()!;
  const data: Record<string, unknown> = {};
  for (const root of fieldsOf(mutation, operation.selectionSet, r)) {
    const key = root.alias?.value ?? root.name.value;
    if (root.name.value === '__typename') { data[key] = mutation.name; continue; }
    const payloadType = getNamedType(mutation.getFields()[root.name.value].type) as GraphQLObjectType;
    const payload: Record<string, unknown> = {};
    for (const f of fieldsOf(payloadType, root.selectionSet!, r)) {
      const name = f.name.value;
      const k = f.alias?.value ?? name;
      if (name === '__typename') payload[k] = payloadType.name;
      else if (name === 'userErrors') {
        const errorType = getNamedType(payloadType.getFields()[name].type) as GraphQLObjectType;
        payload[k] = [project(errorType, f.selectionSet!, { ...error }, r)];
      } else payload[k] = nothing(payloadType.getFields()[name].type);
    }
    data[key] = payload;
  }
  return data;
}
