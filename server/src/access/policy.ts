import type { AuthChecker } from 'type-graphql';
import { LeadSource, Role } from '../common/enums';
import { idOf, type ForeignKey } from '../common/ids';
import type { Context } from '../context';
import type { User } from '../users/user.entity';

/**
 * The access policy of the whole service, in one place. Resolvers, queries and services ask
 * it; nothing else looks at a caller's role.
 *
 * - ADMIN reads and writes everything, users and keys included.
 * - MANAGER reads and writes every lead.
 * - SALESPERSON reads every lead and writes (updates, qualifies, assigns…) only the leads it owns.
 * - PARTNER creates leads and reads only the leads it created, and nothing around them: no
 *   accounts, contacts, opportunities, stakeholders, timeline or history. What it may not read
 *   looks exactly as if it did not exist — null for a lookup, an empty list — never an error.
 */

/** Roles that may change leads and run the lead lifecycle (everyone but PARTNER). */
export const STAFF = [Role.ADMIN, Role.MANAGER, Role.SALESPERSON];

/** Roles that administer the service: users, keys, every entity's audit trail. */
export const ADMINS = [Role.ADMIN];

/** Roles that may change any lead, whoever owns it, and give leads to other owners. */
export const LEAD_MANAGERS = [Role.ADMIN, Role.MANAGER];

/** `@Authorized(roles)`: the caller's role must be listed; `@Authorized()` needs any caller. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.actor) return false;
  return roles.length === 0 || roles.includes(context.actor.role);
};

/** Whether the caller reads leads and nothing around them (accounts, contacts, timelines…). */
export function readsLeadsOnly(actor: User): boolean {
  return actor.role === Role.PARTNER;
}

/** A lead as the policy needs it: an entity, or a plain row whose relations are ids. */
export interface LeadAccessFields {
  owner: ForeignKey;
  createdBy: ForeignKey;
}

/** A PARTNER reads only the leads it created; every other role reads all leads. */
export function canReadLead(actor: User, lead: Pick<LeadAccessFields, 'createdBy'>): boolean {
  return actor.role !== Role.PARTNER || idOf(lead.createdBy) === actor.id;
}

/** ADMIN and MANAGER write every lead; SALESPERSON only the leads it owns; PARTNER none. */
export function canWriteLead(actor: User, lead: Pick<LeadAccessFields, 'owner'>): boolean {
  if (LEAD_MANAGERS.includes(actor.role)) return true;
  return actor.role === Role.SALESPERSON && idOf(lead.owner) === actor.id;
}

/**
 * Changing or deleting a note: ADMIN and MANAGER any note; a SALESPERSON only notes it wrote,
 * and only on leads it may write (a note it left on a lead since given to someone else is the
 * new owner's record now); PARTNER none. Adding a note follows {@link canWriteLead}.
 */
export function canEditNote(actor: User, lead: Pick<LeadAccessFields, 'owner'>, note: { author?: ForeignKey }): boolean {
  if (LEAD_MANAGERS.includes(actor.role)) return true;
  return canWriteLead(actor, lead) && idOf(note.author) === actor.id;
}

/**
 * Listing users (the `users` query, to pick an owner or filter by one): every staff role. To a
 * PARTNER the list is empty, as everything around leads is (it sees a lead's owner by name only).
 */
export function canListUsers(actor: User): boolean {
  return STAFF.includes(actor.role);
}

/** Whether the caller may make someone other than itself the owner of a lead. */
export function canGiveLeadsAway(actor: User): boolean {
  return LEAD_MANAGERS.includes(actor.role);
}

/** Whether `user` may own leads: a PARTNER owns only the leads it creates itself. */
export function mayOwnLeads(user: Pick<User, 'role'>): boolean {
  return user.role !== Role.PARTNER;
}

/**
 * The leads a web-form submission is matched against, as an SQL predicate over the lead
 * table's alias `alias`: all of them, whoever owns them. A form is no caller that reads
 * anything (its sender learns nothing back); the person who sent it is the same person whoever
 * works their lead, so an OPEN lead of theirs gets the submission as a note rather than a
 * duplicate beside it. The note and the leads a form creates are in the name of its owner, who
 * must be one who may own leads ({@link mayOwnLeads}).
 */
export function webFormMatchScope(_alias: string): { sql: string; params: unknown[] } {
  return { sql: 'true', params: [] };
}

/** The source of a lead created without one: a PARTNER's leads come from the partner channel. */
export function defaultLeadSource(actor: User): LeadSource | null {
  return actor.role === Role.PARTNER ? LeadSource.PARTNER : null;
}

/**
 * A user as the caller may see it. A PARTNER sees of other users (a lead's owner) only what
 * names them: their id, name and role; their email is left empty. Everyone else sees users whole.
 */
export function userAsSeenBy<U extends { id: string; email: string }>(actor: User, user: U | null): U | null {
  if (!user || actor.role !== Role.PARTNER || user.id === actor.id) return user;
  return { ...user, email: '' };
}

/** Whether the caller may read the service's metrics. */
export function canReadMetrics(actor: User): boolean {
  return actor.role === Role.ADMIN;
}

/**
 * The SQL predicate, over the lead table's alias `alias`, that keeps exactly the leads the
 * caller may read; every query that lists or counts leads includes it.
 */
export function leadVisibility(actor: User, alias: string): { sql: string; params: unknown[] } {
  return actor.role === Role.PARTNER
    ? { sql: `${alias}.created_by_id = ?`, params: [actor.id] }
    : { sql: 'true', params: [] };
}
