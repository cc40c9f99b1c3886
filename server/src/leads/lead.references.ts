import type { EntityManager } from '@mikro-orm/postgresql';
import { canGiveLeadsAway, mayOwnLeads, readsLeadsOnly } from '../access/policy';
import { Account } from '../accounts/account.entity';
import { Role, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid, normaliseId } from '../common/ids';
import { readRows } from '../common/sql';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import { sqlNames } from '../db/bulk';
import { User } from '../users/user.entity';
import type { LeadFieldsInput } from './lead.inputs';

/** One lead input whose references are checked, and the input path its errors name (`["input"]`, `["input","rows","3"]`). */
export interface ReferenceCheck {
  input: LeadFieldsInput;
  /** The owner the input asks for; undefined when it names none (the caller, or no change). */
  ownerId: string | undefined;
  path: string[];
}

/** The rows of `entity` among `ids`, by id, with `extra` columns: one statement, the ids as one array parameter. */
async function existing<T extends { id: string }>(
  em: EntityManager, entity: typeof Account | typeof Contact | typeof User, ids: Set<string>, extra: string[] = [],
): Promise<Map<string, T>> {
  if (!ids.size) return new Map();
  const t = sqlNames(em, entity as typeof Account);
  const column = t.column as (prop: string) => string;
  const rows = await readRows<T>(em,
    `select ${['id', ...extra].map((p) => `t.${column(p)} as "${p}"`).join(', ')} from ${t.table} t where t.${column('id')} = any(?::uuid[])`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Checks the ids and codes lead inputs refer to — the owner, the existing account and contact,
 * the budget's currency — and returns each input's errors, in order. However many inputs, it
 * takes at most one statement per kind of reference (none for a kind no input names), so that
 * createLead and an import of thousands of rows check alike.
 */
export async function checkLeadReferences(em: EntityManager, actor: User, checks: ReferenceCheck[]): Promise<UserError[][]> {
  const owners = new Set<string>();
  const accounts = new Set<string>();
  const contacts = new Set<string>();
  const currencies = new Set<string>();
  const otherOwner = (c: ReferenceCheck) => (c.ownerId !== undefined && normaliseId(c.ownerId) !== actor.id ? normaliseId(c.ownerId) : null);
  for (const c of checks) {
    const owner = otherOwner(c);
    if (owner && canGiveLeadsAway(actor) && isUuid(owner)) owners.add(owner);
    if (!readsLeadsOnly(actor)) {
      if (isUuid(c.input.existingAccountId)) accounts.add(normaliseId(c.input.existingAccountId));
      if (isUuid(c.input.existingContactId)) contacts.add(normaliseId(c.input.existingContactId));
    }
    if (c.input.budget) currencies.add(c.input.budget.currencyCode);
  }
  const users = await existing<{ id: string; role: Role }>(em, User, owners, ['role']);
  const accountIds = await existing(em, Account, accounts);
  const contactIds = await existing(em, Contact, contacts);
  const c = sqlNames(em, Currency);
  const codes = currencies.size
    ? new Set((await readRows<{ code: string }>(em, `select ${c.column('code')} as code from ${c.table} where ${c.column('code')} = any(?::text[])`, [[...currencies]])).map((r) => r.code))
    : new Set<string>();

  return checks.map((check) => {
    const errors: UserError[] = [];
    const { input, path } = check;
    const owner = otherOwner(check);
    if (owner !== null) {
      if (!canGiveLeadsAway(actor)) {
        errors.push(userError(UserErrorCode.FORBIDDEN, 'You may not make another user the owner; a manager can assign leads', [...path, 'ownerId']));
      } else {
        const found = users.get(owner);
        if (!found) errors.push(userError(UserErrorCode.NOT_FOUND, 'User not found', [...path, 'ownerId']));
        else if (!mayOwnLeads(found)) {
          errors.push(userError(UserErrorCode.VALIDATION, 'A PARTNER cannot own a lead it did not create', [...path, 'ownerId']));
        }
      }
    }
    const refs: [string | null | undefined, 'existingAccountId' | 'existingContactId', Map<string, unknown>, string][] = [
      [input.existingAccountId, 'existingAccountId', accountIds, 'Account'],
      [input.existingContactId, 'existingContactId', contactIds, 'Contact'],
    ];
    for (const [id, field, found, name] of refs) {
      if (id == null) continue;
      if (!isUuid(id) || !found.has(normaliseId(id))) errors.push(userError(UserErrorCode.NOT_FOUND, `${name} not found`, [...path, field]));
    }
    if (input.budget && !codes.has(input.budget.currencyCode)) {
      errors.push(userError(UserErrorCode.UNKNOWN_CURRENCY, `Unknown currency ${input.budget.currencyCode}; see the currencies query`,
        [...path, 'budget', 'currencyCode']));
    }
    return errors;
  });
}
