export { createLeadsClient, MAX_PAGE_SIZE } from './client.js';
export type {
  LeadsClient, LeadsClientHelpers, LeadsClientOperations, LeadsClientOptions, LeadsClientResult, LeadsClientVariables, PageSize,
  QualifyLeadsResultFor,
} from './client.js';
export { assertOk, isOk, LeadsUserError } from './results.js';
export type { Checked, Failed, OkOf, Succeeded, WithUserErrors } from './results.js';
export type { CallOptions, TransportOptions } from './transport.js';
export type { RetryOptions } from './retry.js';
export { LeadsApiError, isLeadsApiError } from './errors.js';
export type { GraphQLErrorEntry, LeadsApiErrorCode } from './errors.js';
export { paginate } from './paginate.js';
export type { ConnectionPage } from './paginate.js';
export type { DocumentTypeDecoration, ResultOf, TypedDocumentNode, VariablesOf } from './typed-document-node.js';
export * from './generated/graphql.js';
