import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canWriteLead, defaultLeadSource, leadVisibility } from '../access/policy';
import { auditBatch, diffSnapshots, type AuditInput } from '../audit/audit.service';
import { ImportAction, ImportMatch, ImportOnMatch, LeadState, LeadStatusReason, PreferredContactMethod, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { validateInput } from '../common/validation';
import { batch, insertRecords, newRecord } from '../db/bulk';
import type { User } from '../users/user.entity';
import { importOptions, type ImportLeadsInput, type ImportOptions } from './import.inputs';
import { ImportLeadResult, ImportLeadsPayload } from './import.payloads';
import { leadSnapshot } from './lead.audit';
import { leadChangeAudits, updateLeads, type LeadStep } from './lead.changes';
import { exactKeys, lockDuplicateKeys, openLeadsByEmail } from './lead.duplicates';
import { Lead } from './lead.entity';
import type { CreateLeadInput } from './lead.inputs';
import { leadRows } from './lead.queries';
import { checkLeadReferences } from './lead.references';
import { LEAD_VALUE_PROPS, leadValues } from './lead.values';
import type { LeadRecord } from './qualify.plan';

/** A lead that rows of the call reach: one that exists, or one the call creates. */
interface Target {
  /** The lead as stored before the call; null for a lead the call creates. */
  stored: LeadRecord | null;
  /** The lead as the call leaves it. */
  lead: LeadRecord;
  /** Whether a row wrote to it: the row that creates it, or an UPDATE row. */
  touched: boolean;
}

interface Outcome { action: ImportAction; target: Target | null; errors: UserError[] }

const rowPath = (index: number) => ['input', 'rows', String(index)];

/** The properties an import writes to a lead it updates: those a row can give. */
const UPDATED_PROPS = ['topic', 'lastName', ...LEAD_VALUE_PROPS] as const;

/**
 * importLeads: each row is a createLead input; a row that is already a lead (by email) is
 * skipped, updated or created anyway. One transaction for the whole call, with a number of
 * statements that does not depend on the number of rows: the references of all rows (one
 * statement per kind), the duplicate-key locks (one), the matching leads (one), then one UPDATE
 * of the leads updated and one INSERT of the new leads together with every history entry.
 * Every row's outcome is decided in memory before anything is written, so that allOrNone and
 * dryRun are decisions about writing, not about what each row does.
 *
 * Rows of one call that reach the same lead are folded into one change of it: the lead a row
 * creates is what later rows with its email match; a lead several rows update is written once,
 * with one version step and one UPDATED entry; a lead created and then updated by the call is
 * inserted with its final values and one CREATED entry.
 */
export class ImportService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  async importLeads(input: ImportLeadsInput): Promise<ImportLeadsPayload> {
    const options = importOptions(input);
    const { rows } = input;
    const invalid = await Promise.all(rows.map((row, i) => validateInput(row, rowPath(i))));
    const outcomes = invalid.every((e) => e.length)
      ? invalid.map((errors): Outcome => ({ action: ImportAction.FAILED, target: null, errors }))
      : await this.em.transactional((em) => this.run(em, rows, invalid, options));
    const results = outcomes.map((o, index) => Object.assign(new ImportLeadResult(), {
      index, action: o.action, userErrors: o.errors,
      // A dry run names only leads that exist, as they are now.
      lead: !o.target ? null : options.dryRun ? o.target.stored : o.target.lead,
    }));
    const count = (action: ImportAction) => results.filter((r) => r.action === action).length;
    return Object.assign(new ImportLeadsPayload(), {
      results, dryRun: options.dryRun, userErrors: [],
      createdCount: count(ImportAction.CREATED), updatedCount: count(ImportAction.UPDATED),
      skippedCount: count(ImportAction.SKIPPED), failedCount: count(ImportAction.FAILED),
    });
  }

  private async run(em: EntityManager, rows: CreateLeadInput[], invalid: UserError[][], options: ImportOptions): Promise<Outcome[]> {
    const now = new Date();
    const valid = rows.flatMap((input, index) => (invalid[index].length ? [] : [{ input, index }]));
    const refErrors = await checkLeadReferences(em, this.actor,
      valid.map(({ input, index }) => ({ input, ownerId: input.ownerId ?? undefined, path: rowPath(index) })));
    const errors = [...invalid];
    valid.forEach(({ index }, i) => { errors[index] = refErrors[i]; });
    const ok = rows.filter((_, index) => !errors[index].length);
    // A dry run writes nothing, so it makes no create wait for it.
    if (!options.dryRun) await lockDuplicateKeys(em, ok);
    const matches = options.matchOn === ImportMatch.EMAIL
      ? await this.matches(em, ok, options.onMatch === ImportOnMatch.UPDATE && !options.dryRun)
      : new Map<string, Target>();

    let outcomes = rows.map((row, index): Outcome => {
      if (errors[index].length) return { action: ImportAction.FAILED, target: null, errors: errors[index] };
      const key = options.matchOn === ImportMatch.EMAIL ? exactKeys(row).email : null;
      const match = key ? matches.get(key) : undefined;
      if (!match || options.onMatch === ImportOnMatch.CREATE) {
        const target: Target = { stored: null, lead: this.newLead(em, row, now), touched: true };
        // The lead a row creates is what later rows with its email match, unless a lead had it already.
        if (key && !match) matches.set(key, target);
        return { action: ImportAction.CREATED, target, errors: [] };
      }
      if (options.onMatch === ImportOnMatch.SKIP) return { action: ImportAction.SKIPPED, target: match, errors: [] };
      if (!canWriteLead(this.actor, match.lead)) {
        return { action: ImportAction.FAILED, target: null, errors: [userError(UserErrorCode.FORBIDDEN,
          `The email matches lead ${match.lead.id}, which you may not change; import with onMatch SKIP or CREATE`, [...rowPath(index), 'email'])] };
      }
      Object.assign(match.lead, { topic: row.topic.trim(), lastName: row.lastName.trim(), ...leadValues(row, { keepOnNull: true }) });
      match.touched = true;
      return { action: ImportAction.UPDATED, target: match, errors: [] };
    });

    const failed = outcomes.findIndex((o) => o.action === ImportAction.FAILED);
    if (options.allOrNone && failed >= 0) {
      const cause = outcomes[failed].errors[0];
      outcomes = outcomes.map((o) => (o.action === ImportAction.FAILED ? o : {
        action: ImportAction.FAILED, target: null,
        errors: [userError(cause.code, `Not imported: rows[${failed}] failed with ${cause.code} and allOrNone is set`, rowPath(failed))],
      }));
    }
    if (!options.dryRun) await this.write(em, outcomes, now);
    return outcomes;
  }

  /**
   * The OPEN leads visible to the caller whose email is one of the rows', by email in lower
   * case, the oldest (then the lowest id) for an email several leads share: one statement,
   * served by `lead_open_email_idx`. With `lock`, the leads are locked in id order, so that an
   * update racing the import is neither lost nor deadlocked; a lead closed meanwhile drops out.
   */
  private async matches(em: EntityManager, rows: CreateLeadInput[], lock: boolean): Promise<Map<string, Target>> {
    const emails = [...new Set(rows.map((r) => exactKeys(r).email).filter((e): e is string => e !== null))];
    const found = new Map<string, Target>();
    for (const [email, row] of await openLeadsByEmail(em, emails, leadVisibility(this.actor, 'l'), lock)) {
      const stored = newRecord(em, Lead, row as unknown as Record<string, unknown>);
      found.set(email, { stored, lead: newRecord(em, Lead, stored), touched: false });
    }
    return found;
  }

  /** A new lead from a row, as createLead makes it: OPEN/NEW, version 1, owned by `ownerId` or the caller. */
  private newLead(em: EntityManager, row: CreateLeadInput, now: Date): LeadRecord {
    const lead = newRecord(em, Lead, {
      id: randomUUID(), topic: row.topic.trim(), lastName: row.lastName.trim(),
      owner: { id: this.actor.id }, createdBy: { id: this.actor.id },
      state: LeadState.OPEN, statusReason: LeadStatusReason.NEW, version: 1, createdAt: now, updatedAt: now,
      preferredContactMethod: PreferredContactMethod.ANY, decisionMakerIdentified: false,
      ...leadValues(row),
    });
    // A partner's lead comes from that partner unless it says otherwise; null is not otherwise.
    lead.source ??= defaultLeadSource(this.actor);
    return lead;
  }

  /**
   * Writes the outcomes in two statements whatever their number: one UPDATE of the leads whose
   * values changed (version + 1), then one INSERT of the new leads and of every history entry,
   * CREATED and UPDATED alike. An UPDATE row that changes nothing writes nothing, as updateLead.
   */
  private async write(em: EntityManager, outcomes: Outcome[], now: Date): Promise<void> {
    const targets = [...new Set(outcomes.flatMap((o) => (o.target && o.action !== ImportAction.FAILED ? [o.target] : [])))];
    const created = targets.filter((t) => !t.stored);
    const steps: LeadStep[] = [];
    for (const t of targets) {
      if (!t.stored || !t.touched) continue;
      const changes = diffSnapshots(leadSnapshot(t.stored), leadSnapshot(t.lead));
      if (!changes.length) continue;
      const set = Object.fromEntries(UPDATED_PROPS.map((p) => [p, t.lead[p]])) as LeadStep['set'];
      steps.push({ lead: t.lead, set, changes });
    }
    const versions = await updateLeads(em, now, steps);
    for (const step of steps) Object.assign(step.lead, { version: versions.get(step.lead.id), updatedAt: now });
    const history: AuditInput[] = [
      ...created.map((t): AuditInput => ({
        entityType: 'Lead', entityId: t.lead.id, action: 'CREATED', actor: this.actor, changes: diffSnapshots(null, leadSnapshot(t.lead)), at: now,
      })),
      ...leadChangeAudits(this.actor, 'UPDATED', now, steps),
    ];
    await insertRecords(em, batch(Lead, created.map((t) => t.lead)), auditBatch(history));
  }
}
