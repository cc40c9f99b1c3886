import { randomUUID } from 'node:crypto';
import type { TestServer, TestUser } from './server';

export interface LeadRow {
  topic?: string; first_name?: string | null; last_name?: string; company_name?: string | null; email?: string | null;
  job_title?: string | null; business_phone?: string | null; budget_amount?: string | null; budget_currency_code?: string | null;
  state?: string; status_reason?: string; existing_account_id?: string | null; existing_contact_id?: string | null;
}

const COLUMNS = ['topic', 'first_name', 'last_name', 'company_name', 'email', 'job_title', 'business_phone',
  'budget_amount', 'budget_currency_code', 'state', 'status_reason', 'existing_account_id', 'existing_contact_id'] as const;

/** Inserts leads straight into the table (one statement), owned and created by `owner`; returns their ids in order. */
export async function insertLeads(s: TestServer, owner: TestUser, rows: LeadRow[]): Promise<string[]> {
  const ids = rows.map(() => randomUUID());
  const values: unknown[] = [];
  const tuples = rows.map((r, i) => {
    const full: Record<string, unknown> = {
      topic: `Lead ${i}`, first_name: null, last_name: `Person${i}`, company_name: null, email: null, job_title: null,
      business_phone: null, budget_amount: null, budget_currency_code: null, state: 'OPEN', status_reason: 'NEW',
      existing_account_id: null, existing_contact_id: null, ...r,
    };
    const params = [ids[i], owner.id, owner.id, ...COLUMNS.map((c) => full[c])];
    const start = values.length;
    values.push(...params);
    return `(${params.map((_, j) => `$${start + j + 1}`).join(', ')}, now(), now())`;
  });
  await s.db.query(`insert into lead (id, owner_id, created_by_id, ${COLUMNS.join(', ')}, created_at, updated_at) values ${tuples.join(', ')}`, values);
  return ids;
}

/** Row counts of every table that qualifying, lifecycle and stakeholder commands touch. */
export async function rowCounts(s: TestServer): Promise<Record<string, number>> {
  const tables = ['lead', 'account', 'contact', 'opportunity', 'stakeholder', 'audit_entry', 'note', 'activity', 'attachment'];
  const res = await s.db.query(`select ${tables.map((t) => `(select count(*) from "${t}")::int as "${t}"`).join(', ')}`);
  return res.rows[0];
}

/** A snapshot of the lead rows (state, version, links), to prove a call changed nothing. */
export async function leadRows(s: TestServer, ids: string[]): Promise<unknown[]> {
  const res = await s.db.query(
    'select id, state, status_reason, version, updated_at, qualified_at, qualifying_opportunity_id, account_id, contact_id from lead where id = any($1) order by id',
    [ids]);
  return res.rows;
}

export const QUALIFY = `mutation Q($input: QualifyLeadsInput!) {
  qualifyLeads(input: $input) {
    qualifiedCount failedCount userErrors { code message field }
    results {
      leadId accountCreated contactCreated userErrors { code message field }
      lead { id state statusReason version qualifiedAt }
      account { id name } contact { id email fullName }
      opportunity { id name currencyCode estimatedValue { amount currencyCode } state }
    }
  }
}`;

/** A note with an attachment and an activity on the lead, written straight into their tables. */
export async function insertTimeline(s: TestServer, leadId: string, author: TestUser): Promise<{ note: string; attachment: string; activity: string }> {
  const ids = { note: randomUUID(), attachment: randomUUID(), activity: randomUUID() };
  await s.db.query("insert into note (id, lead_id, text, author_id, created_at) values ($1, $2, 'Met at the fair', $3, now())", [ids.note, leadId, author.id]);
  await s.db.query(
    `insert into attachment (id, note_id, lead_id, file_name, mime_type, size_bytes, sha256, content, created_at)
     values ($1, $2, $3, 'card.txt', 'text/plain', 4, repeat('0', 64), 'card'::bytea, now())`, [ids.attachment, ids.note, leadId]);
  await s.db.query("insert into activity (id, lead_id, kind, subject, status, owner_id, created_at) values ($1, $2, 'PHONE_CALL', 'Call', 'OPEN', $3, now())",
    [ids.activity, leadId, author.id]);
  return ids;
}

/** The lead's timeline and stakeholder rows, by table. */
export async function leadChildren(s: TestServer, leadId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of ['note', 'attachment', 'activity', 'stakeholder']) {
    out[t] = (await s.db.query(`select id from "${t}" where lead_id = $1 order by id`, [leadId])).rows.map((r) => r.id);
  }
  return out;
}

/** A stakeholder on the lead for a new contact, through the API; returns the stakeholder and contact ids. */
export async function addStakeholder(s: TestServer, leadId: string, as: TestUser, role = 'STAKEHOLDER', lastName = 'Stake'): Promise<{ id: string; contactId: string }> {
  const res = await s.gql(`mutation($input: AddStakeholderInput!) { addStakeholder(input: $input) { stakeholder { id contact { id } } userErrors { code message } } }`,
    { input: { leadId, newContact: { lastName }, role } }, { as });
  if (res.errors || res.data.addStakeholder.userErrors.length) throw new Error(JSON.stringify(res.errors ?? res.data.addStakeholder.userErrors));
  return { id: res.data.addStakeholder.stakeholder.id, contactId: res.data.addStakeholder.stakeholder.contact.id };
}

export const LEAD_FIELDS = 'id state statusReason version updatedAt qualifiedAt';
