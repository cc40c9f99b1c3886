import type { EntityManager } from '@mikro-orm/postgresql';
import { webFormMatchScope } from '../access/policy';
import { DuplicateCheck, LeadSource } from '../common/enums';
import { validateInput } from '../common/validation';
import { exactKeys, lockDuplicateKeys, openLeadsByEmail } from '../leads/lead.duplicates';
import { Lead } from '../leads/lead.entity';
import { CreateLeadInput } from '../leads/lead.inputs';
import { LeadService } from '../leads/lead.service';
import { appendNote } from '../timeline/note.service';
import { User } from '../users/user.entity';

/** The fields a form may post, in the order a note lists them; anything else is ignored. */
export const FORM_FIELDS = ['topic', 'lastName', 'firstName', 'email', 'companyName', 'businessPhone', 'description'] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** The honeypot: a field hidden from people, which only a bot fills in. */
export const HONEYPOT_FIELD = 'website_url';

/** One reason a submission is refused, named by the field as posted (`email`, `website_url`…). */
export interface FieldError { field: string; message: string }

/** What a form knows of itself when it receives a submission. */
export interface ReceivingForm { id: string; name: string; ownerId: string }

export type Submission = Partial<Record<FormField, string>>;

/** The topic of a lead whose submission has none. */
export const defaultTopic = (formName: string) => `Web form: ${formName}`.slice(0, 300);

/**
 * Reads a parsed body (urlencoded or JSON) into a submission. Each field is text, given once;
 * blank optional fields count as not given (an HTML form posts every field, filled or not).
 * A filled honeypot refuses the submission whatever else it holds.
 */
export function readSubmission(body: Record<string, unknown>): { submission: Submission; errors: FieldError[] } {
  const honeypot = body[HONEYPOT_FIELD];
  if (honeypot !== undefined && honeypot !== null && !(typeof honeypot === 'string' && honeypot.trim() === '')) {
    return { submission: {}, errors: [{ field: HONEYPOT_FIELD, message: `${HONEYPOT_FIELD} must be empty` }] };
  }
  const submission: Submission = {};
  const errors: FieldError[] = [];
  for (const field of FORM_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) errors.push({ field, message: `${field} must be given once` });
    else if (typeof value !== 'string') errors.push({ field, message: `${field} must be text` });
    else if (value.trim() !== '' || field === 'lastName') submission[field] = value.trim();
  }
  return { submission, errors };
}

/**
 * Validates a submission with createLead's own rules (the CreateLeadInput class), reporting each
 * failure by its field name as posted, in the order of {@link FORM_FIELDS}. A submission without
 * a topic gets {@link defaultTopic}.
 */
export async function validateSubmission(form: ReceivingForm, submission: Submission): Promise<{ input: CreateLeadInput | null; errors: FieldError[] }> {
  const input = Object.assign(new CreateLeadInput(), {
    ...submission, topic: submission.topic ?? defaultTopic(form.name), lastName: submission.lastName ?? '',
    source: LeadSource.WEB, duplicateCheck: DuplicateCheck.OFF,
  });
  const order = (field: string) => FORM_FIELDS.indexOf(field as FormField);
  const errors = (await validateInput(input, [])).map((e) => ({ field: (e.field ?? []).join('.'), message: e.message }))
    .sort((a, b) => order(a.field) - order(b.field));
  return errors.length ? { input: null, errors } : { input, errors: [] };
}

/** The note an OPEN lead gets when the same person sends a form again: who, which form, what. */
export function submissionNote(form: ReceivingForm, submission: Submission): string {
  const who = [submission.firstName, submission.lastName].filter(Boolean).join(' ');
  const lines = FORM_FIELDS.filter((f) => submission[f] !== undefined).map((f) => `${f}: ${submission[f]}`);
  return `Web form "${form.name}" (form ${form.id}) received a submission from ${who} <${submission.email}>:\n${lines.join('\n')}`;
}

export type Received = { outcome: 'CREATED' | 'NOTED'; leadId: string };

/**
 * Receives a valid submission, in one transaction: when its email (case-insensitively) is that
 * of an OPEN lead, the oldest such lead gets the submission as a note (NOTE_ADDED, lastActivityAt)
 * in the name of the form's owner; otherwise a new OPEN lead with source WEB, owned and created
 * by the form's owner, with its CREATED history entry (createLead itself). Submissions with the
 * same email wait for each other ({@link lockDuplicateKeys}), so that two sent at once make one
 * lead and one note, never two leads.
 */
export async function receiveSubmission(em: EntityManager, form: ReceivingForm, input: CreateLeadInput, submission: Submission): Promise<Received> {
  return em.transactional(async (tx) => {
    const owner = await tx.findOneOrFail(User, form.ownerId);
    if (input.email) {
      await lockDuplicateKeys(tx, [{ email: input.email }]);
      const email = exactKeys(input).email!;
      const match = (await openLeadsByEmail(tx, [email], webFormMatchScope('l'), true)).get(email);
      if (match) {
        const lead = await tx.findOneOrFail(Lead, match.id, { refresh: true });
        appendNote(tx, owner, lead, submissionNote(form, submission));
        await tx.flush();
        return { outcome: 'NOTED', leadId: lead.id };
      }
    }
    const created = await new LeadService(tx, owner).createLead(input);
    if (!created.lead) throw new Error(`a validated web-form submission was refused: ${created.userErrors.map((e) => e.message).join('; ')}`);
    return { outcome: 'CREATED', leadId: created.lead.id };
  });
}
