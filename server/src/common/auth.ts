import type { AuthChecker } from 'type-graphql';
import type { Context } from '../context';
import type { User } from '../users/user.entity';
import { Role } from './enums';

/** Roles that may change leads and run the lead lifecycle (everyone but PARTNER). */
export const STAFF = [Role.ADMIN, Role.MANAGER, Role.SALESPERSON];

/**
 * A PARTNER reads the leads it created and nothing around them: no accounts, contacts,
 * opportunities, stakeholders, timeline or history. What it may not read looks as if it did
 * not exist — null for a lookup, an empty list — rather than an error.
 */
export function readsLeadsOnly(actor: User): boolean {
  return actor.role === Role.PARTNER;
}

/** `@Authorized(roles)`: the caller's role must be listed; `@Authorized()` needs any caller. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.actor) return false;
  return roles.length === 0 || roles.includes(context.actor.role);
};
