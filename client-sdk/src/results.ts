import type { UserErrorFieldsFragment as UserError } from './generated/graphql.js';

/** A mutation payload or bulk result: anything with `userErrors`. */
export interface WithUserErrors {
  userErrors: ReadonlyArray<{ code: string; message: string; field: ReadonlyArray<string> | null }>;
}

type Flat<T> = { [K in keyof T]: T[K] } & {};

/**
 * A payload whose `userErrors` is empty: the mutation succeeded, and its record fields `K`
 * (e.g. `lead` of `createLead`) are set.
 */
export type Succeeded<P extends WithUserErrors, K extends keyof P = never> = Flat<{
  [F in keyof P]: F extends 'userErrors' ? [] : F extends K ? NonNullable<P[F]> : P[F];
}>;

/** A payload with at least one userError: nothing was written for it. */
export type Failed<P extends WithUserErrors> = Flat<{
  [F in keyof P]: F extends 'userErrors' ? [P['userErrors'][number], ...Array<P['userErrors'][number]>] : P[F];
}>;

/**
 * What a mutation method resolves to: a {@link Succeeded} or a {@link Failed} payload.
 * {@link isOk} (or {@link assertOk}) tells them apart for the type checker:
 *
 * ```ts
 * const created = await client.createLead({ input });
 * if (!isOk(created)) throw new Error(created.userErrors[0].message);
 * created.lead.id; // a Lead, not Lead | null
 * ```
 */
export type Checked<P extends WithUserErrors, K extends keyof P = never> = Succeeded<P, K> | Failed<P>;

/** The succeeded member of `P` when `P` is a {@link Checked} union, else `P` with no userErrors. */
export type OkOf<P extends WithUserErrors> =
  [Extract<P, { userErrors: [] }>] extends [never] ? Flat<P & { userErrors: [] }> : Extract<P, { userErrors: [] }>;

/**
 * True when the payload has no userErrors: the mutation succeeded. Narrows the SDK's mutation
 * results so that their record is non-null (`created.lead`, `result.opportunity` of a
 * qualifyLeads result, …). False for `null` and `undefined`, so that `isOk(results[0])` also
 * says that there is a first result.
 */
export function isOk<P extends WithUserErrors>(payload: P | null | undefined): payload is OkOf<P> {
  return payload != null && payload.userErrors.length === 0;
}

/** Thrown by {@link assertOk}: the payload's userErrors, as an exception. */
export class LeadsUserError extends Error {
  override readonly name = 'LeadsUserError';
  /** The first error's code, e.g. `'VERSION_CONFLICT'`. */
  readonly code: UserError['code'];
  /** Every userError of the payload. */
  readonly userErrors: ReadonlyArray<Pick<UserError, 'code' | 'message' | 'field'>>;

  constructor(userErrors: ReadonlyArray<Pick<UserError, 'code' | 'message' | 'field'>>) {
    super(userErrors.map((e) => `${e.code}: ${e.message}${e.field ? ` (${e.field.join('.')})` : ''}`).join('; '));
    this.code = userErrors[0]!.code;
    this.userErrors = userErrors;
  }
}

/**
 * Throws a {@link LeadsUserError} unless the payload has no userErrors; afterwards the payload
 * is narrowed as by {@link isOk}. For scripts where any business-rule failure is fatal:
 *
 * ```ts
 * const created = await client.createLead({ input });
 * assertOk(created);
 * created.lead.id;
 * ```
 */
export function assertOk<P extends WithUserErrors>(payload: P | null | undefined): asserts payload is OkOf<P> {
  if (payload == null) throw new TypeError('assertOk: there is no payload (null or undefined)');
  if (payload.userErrors.length > 0) throw new LeadsUserError(payload.userErrors as ReadonlyArray<Pick<UserError, 'code' | 'message' | 'field'>>);
}
