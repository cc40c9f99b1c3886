import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../accounts/account.entity';
import { UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { validateInput } from '../common/validation';
import { User } from '../users/user.entity';
import { Contact } from './contact.entity';
import type { CreateContactInput } from './contact.inputs';

const orNull = (v: string | null | undefined) => (v == null || v.trim() === '' ? null : v.trim());

/**
 * Validates a new contact and adds it to `em`'s unit of work (the caller flushes), so that
 * `createContact` and `addStakeholder(newContact)` share the rules. `path` is the input path.
 */
export async function buildContact(
  em: EntityManager, actor: User, input: CreateContactInput, path: string[],
): Promise<{ contact: Contact | null; userErrors: UserError[] }> {
  const errors = await validateInput(input, path);
  if (errors.length) return { contact: null, userErrors: errors };
  if (input.accountId != null && !(isUuid(input.accountId) && (await em.count(Account, { id: input.accountId })) > 0)) {
    return { contact: null, userErrors: [userError(UserErrorCode.NOT_FOUND, 'Account not found', [...path, 'accountId'])] };
  }
  const contact = em.create(Contact, {
    lastName: input.lastName.trim(),
    firstName: orNull(input.firstName),
    email: orNull(input.email),
    jobTitle: orNull(input.jobTitle),
    businessPhone: orNull(input.businessPhone),
    account: input.accountId ? em.getReference(Account, input.accountId) : null,
    owner: em.getReference(User, actor.id),
  });
  return { contact, userErrors: [] };
}

export class ContactService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  createContact(input: CreateContactInput): Promise<{ contact: Contact | null; userErrors: UserError[] }> {
    return this.em.transactional(async (em) => {
      const result = await buildContact(em, this.actor, input, ['input']);
      if (result.contact) await em.flush();
      return result;
    });
  }
}
