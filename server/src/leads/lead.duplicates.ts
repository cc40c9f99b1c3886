import type { EntityManager } from '@mikro-orm/postgresql';
import { leadVisibility } from '../access/policy';
import { DuplicateRule } from '../common/enums';
import { readRows } from '../common/sql';
import type { User } from '../users/user.entity';
import type { Lead } from './lead.entity';
import { DuplicateMatch } from './lead.payloads';
import { leadRows } from './lead.queries';
import type { Row } from '../common/rows';

/** The fields of a lead (saved or not) that the duplicate rules compare. */
export interface DuplicateCandidate {
  email?: string | null;
  businessPhone?: string | null;
  mobilePhone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
}

/** One lead that a candidate duplicates, by its strongest rule. */
export interface DuplicateHit { leadId: string; rule: DuplicateRule; score: number }

/** At most this many duplicates are reported, the best first. */
export const MAX_DUPLICATES = 25;

/** The lowest trigram similarity, of full name and of company alike, that SIMILAR_NAME_AND_COMPANY accepts. */
export const SIMILARITY = 0.6;

/**
 * A phone number's key: its digits, when there are at least 7 of them (fewer say too little to
 * match on). The same rule as the generated column `lead.phone_keys`.
 */
export function phoneKey(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/[^0-9]/g, '');
  return digits.length >= 7 ? digits : null;
}

/** The keys a candidate is matched and locked on: its email in lower case and its phone keys. */
export function exactKeys(c: DuplicateCandidate): { email: string | null; phones: string[] } {
  const email = c.email?.trim() ? c.email.trim().toLowerCase() : null;
  const phones = [...new Set([phoneKey(c.businessPhone), phoneKey(c.mobilePhone)].filter((k): k is string => k !== null))];
  return { email, phones };
}

/**
 * The OPEN leads visible to `actor` that `candidate` duplicates, the best first: one statement,
 * each rule answered by its own index over OPEN leads (`lead_open_email_idx`,
 * `lead_open_phone_keys_idx`, and the trigram indexes on `name_key` and `company_key`), never by
 * a scan. A lead matched by several rules is reported once, by its strongest. `exclude` leaves
 * out one lead (the lead itself, when its duplicates are asked for).
 *
 * Scores: SAME_EMAIL 1, SAME_PHONE 0.9, SIMILAR_NAME_AND_COMPANY 0.8 × the mean of the two
 * similarities (so at most 0.8).
 */
export async function findDuplicates(
  em: EntityManager, actor: User, candidate: DuplicateCandidate, exclude: string | null = null,
): Promise<DuplicateHit[]> {
  const { email, phones } = exactKeys(candidate);
  const lastName = candidate.lastName?.trim() || null;
  const company = candidate.companyName?.trim() || null;
  if (!email && !phones.length && !(lastName && company)) return [];
  const visible = leadVisibility(actor, 'l');
  // The literal state = 'OPEN' is what lets the planner use the partial indexes.
  const open = `l.state = 'OPEN' and ${visible.sql} and (?::uuid is null or l.id <> ?::uuid)`;
  const openParams = [...visible.params, exclude, exclude];
  // The same expressions as the generated columns name_key and company_key.
  const name = "lower(btrim(coalesce(?::text, '') || ' ' || ?::text))";
  const rows = await readRows<{ id: string; rule: DuplicateRule; score: number }>(em, `
    select id, rule, score from (
      select distinct on (id) id, rule, score from (
        select l.id, 'SAME_EMAIL' as rule, 1.0::float8 as score from lead l
         where lower(l.email) = ?::text and l.email is not null and ${open}
        union all
        select l.id, 'SAME_PHONE', 0.9::float8 from lead l
         where l.phone_keys && ?::text[] and ${open}
        union all
        select l.id, 'SIMILAR_NAME_AND_COMPANY', (0.8 * (similarity(l.name_key, n.name) + similarity(l.company_key, n.company)) / 2)::float8
          from (select ${name} as name, lower(btrim(?::text)) as company) n
          join lead l on l.name_key % n.name and l.company_key % n.company
         where similarity(l.name_key, n.name) >= ${SIMILARITY} and similarity(l.company_key, n.company) >= ${SIMILARITY} and ${open}
      ) m order by id, score desc
    ) best order by score desc, id limit ${MAX_DUPLICATES}`,
  [email, ...openParams, phones, ...openParams, candidate.firstName ?? null, lastName, company, ...openParams]);
  return rows.map((r) => ({ leadId: r.id, rule: r.rule, score: Math.round(Number(r.score) * 1000) / 1000 }));
}

/** The first key of the two-key advisory locks of {@link lockDuplicateKeys}: a constant of this project's own. */
export const DUPLICATE_LOCK_SPACE = 1_279_607_108;

/**
 * The number of advisory locks duplicate keys are spread over. Keys share a lock when their
 * hashes fall in one bucket, which only makes two unrelated creates wait for each other; the
 * bound is what lets an import of 5,000 rows (up to 15,000 keys) lock them all: PostgreSQL's
 * lock table has room for `max_locks_per_transaction` × `max_connections` locks in all (6,400
 * by default), and an advisory lock per key would run it out of shared memory.
 */
export const DUPLICATE_LOCK_BUCKETS = 1024;

/**
 * Serialises the creation of leads that share an email or a phone key, until the transaction
 * ends: a second create of the same person waits for the first to commit and then sees it, so
 * that two racing creates with duplicateCheck FAIL never both succeed, and two racing imports
 * of the same people create each lead once. One statement, whatever the number of candidates;
 * the locks are taken in one order (by bucket), so that two callers never deadlock. Two-key
 * locks, whose space is apart from the one-key locks of migrations and qualifyLeads.
 */
export async function lockDuplicateKeys(em: EntityManager, candidates: DuplicateCandidate[]): Promise<void> {
  const keys = new Set<string>();
  for (const c of candidates) {
    const { email, phones } = exactKeys(c);
    if (email) keys.add(`email:${email}`);
    for (const p of phones) keys.add(`phone:${p}`);
  }
  if (!keys.size) return;
  await readRows(em, `
    select pg_advisory_xact_lock(${DUPLICATE_LOCK_SPACE}, b) from (
      select distinct hashtext('lead-duplicate:' || k) & ${DUPLICATE_LOCK_BUCKETS - 1} as b from unnest(?::text[]) k
    ) keys order by b`, [[...keys]]);
}

/**
 * The lead each email belongs to: among the OPEN leads within `scope` (an access-policy
 * predicate over the alias `l`) whose email is one of `emails` (keys of {@link exactKeys}), the
 * oldest, then the lowest id. One statement, served by `lead_open_email_idx`. With `lock`, every
 * matching lead is locked FOR UPDATE in id order, so that a command racing the caller is neither
 * lost nor deadlocked; a lead closed meanwhile drops out. Keyed by email in lower case.
 */
export async function openLeadsByEmail(
  em: EntityManager, emails: string[], scope: { sql: string; params: unknown[] }, lock: boolean,
): Promise<Map<string, Row<Lead>>> {
  const found = new Map<string, Row<Lead>>();
  if (!emails.length) return found;
  // The literal state = 'OPEN' and `email is not null` are what let the planner use the partial index.
  const read = await readRows<Record<string, unknown>>(em, `
    select ${leadRows.columns(em, 'l')}, lower(l.email) as "matchKey" from lead l
     where lower(l.email) = any(?::text[]) and l.email is not null and l.state = 'OPEN' and ${scope.sql}
     order by l.id${lock ? ' for update' : ''}`,
  [emails, ...scope.params]);
  const leads = leadRows.finish(em, read);
  leads.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  for (const row of leads) {
    const key = String((row as Record<string, unknown>).matchKey);
    if (!found.has(key)) found.set(key, row);
  }
  return found;
}

/** The duplicates as the schema shows them, each with its lead's row, read in one statement. */
export async function duplicateMatches(em: EntityManager, hits: DuplicateHit[]): Promise<DuplicateMatch[]> {
  if (!hits.length) return [];
  const rows = await leadRows.byIds(em, hits.map((h) => h.leadId));
  // A lead deleted since it was found is left out rather than reported as null.
  return hits.filter((h) => rows.has(h.leadId))
    .map((h) => Object.assign(new DuplicateMatch(), { lead: rows.get(h.leadId) as unknown as Lead, rule: h.rule, score: h.score }));
}
