import type { AuthChecker } from 'type-graphql';
import type { Context } from '../context';
import { Role } from './enums';

/** Roles that may change leads and run the lead lifecycle (everyone but PARTNER). */
export const STAFF = [Role.ADMIN, Role.MANAGER, Role.SALESPERSON];

/** `@Authorized(roles)`: the caller's role must be listed; `@Authorized()` needs any caller. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.actor) return false;
  return roles.length === 0 || roles.includes(context.actor.role);
};
