import type { DocumentNode } from 'graphql';

/**
 * The shape of `@graphql-typed-document-node/core`, inlined so that `graphql` stays the only
 * peer dependency. Apollo Client, urql and graphql-request read `__apiType` structurally, so
 * the generated `*Document` constants infer result and variable types there as well.
 */
export interface DocumentTypeDecoration<TResult, TVariables> {
  /** Never set at run time; it carries the result and variable types. */
  __apiType?: (variables: TVariables) => TResult;
}

/** A GraphQL document that knows its result and variable types. */
export interface TypedDocumentNode<TResult = { [key: string]: any }, TVariables = { [key: string]: any }>
  extends DocumentNode, DocumentTypeDecoration<TResult, TVariables> {}

/** The result type of a typed document. */
export type ResultOf<T> = T extends DocumentTypeDecoration<infer R, any> ? R : never;

/** The variables type of a typed document. */
export type VariablesOf<T> = T extends DocumentTypeDecoration<any, infer V> ? V : never;
