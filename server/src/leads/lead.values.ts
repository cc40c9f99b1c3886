import { normaliseId } from '../common/ids';
import { normaliseAmount } from '../common/money';
import type { EntityRecord } from '../db/bulk';
import type { Lead } from './lead.entity';
import type { LeadFieldsInput } from './lead.inputs';

/** Trims text; blank optional text becomes null. `undefined` (not given) stays undefined. */
export function clean(v: string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  const t = v.trim();
  return t === '' ? null : t;
}

const TEXT_FIELDS = [
  'firstName', 'jobTitle', 'companyName', 'email', 'businessPhone', 'mobilePhone', 'website', 'description',
] as const;
const ENUM_FIELDS = ['industry', 'source', 'rating', 'purchaseTimeframe', 'purchaseProcess', 'budgetStatus'] as const;
const ADDRESS_FIELDS = {
  line1: 'addressLine1', line2: 'addressLine2', city: 'addressCity', stateOrProvince: 'addressStateOrProvince',
  postalCode: 'addressPostalCode', country: 'addressCountry',
} as const;

/** Every property {@link leadValues} may set, besides `topic` and `lastName`. */
export const LEAD_VALUE_PROPS = [
  ...TEXT_FIELDS, ...ENUM_FIELDS, 'preferredContactMethod', 'decisionMakerIdentified', ...Object.values(ADDRESS_FIELDS),
  'budgetAmount', 'budgetCurrency', 'existingAccount', 'existingContact', 'owner',
] as const;

/** A lead's values as a plain record holds them: relations as `{ id }`, the currency as `{ code }`. */
export type LeadValues = Partial<EntityRecord<Lead>>;

/**
 * The stored values that the optional fields of `input` give a lead, in the form of a plain
 * record: null clears, undefined (not given) leaves alone, text is trimmed and blank text is
 * null. `preferredContactMethod`, `decisionMakerIdentified` and `ownerId` cannot be cleared:
 * null leaves them alone. With `keepOnNull`, every field that comes out null is left alone
 * too — importLeads' "non-null row fields overwrite".
 */
export function leadValues(input: LeadFieldsInput, opts: { keepOnNull?: boolean } = {}): LeadValues {
  const values: Record<string, unknown> = {};
  const set = (prop: string, v: unknown) => {
    if (v === undefined || (v === null && opts.keepOnNull)) return;
    values[prop] = v;
  };
  for (const f of TEXT_FIELDS) set(f, clean(input[f]));
  for (const f of ENUM_FIELDS) set(f, input[f]);
  if (input.preferredContactMethod != null) set('preferredContactMethod', input.preferredContactMethod);
  if (input.decisionMakerIdentified != null) set('decisionMakerIdentified', input.decisionMakerIdentified);
  if (input.address !== undefined) {
    for (const [k, column] of Object.entries(ADDRESS_FIELDS)) {
      set(column, input.address === null ? null : clean(input.address[k as keyof typeof ADDRESS_FIELDS]));
    }
  }
  if (input.budget !== undefined) {
    set('budgetAmount', input.budget ? normaliseAmount(input.budget.amount) : null);
    set('budgetCurrency', input.budget ? { code: input.budget.currencyCode } : null);
  }
  if (input.existingAccountId !== undefined) set('existingAccount', input.existingAccountId ? { id: normaliseId(input.existingAccountId) } : null);
  if (input.existingContactId !== undefined) set('existingContact', input.existingContactId ? { id: normaliseId(input.existingContactId) } : null);
  if (input.ownerId != null) set('owner', { id: normaliseId(input.ownerId) });
  return values as LeadValues;
}
