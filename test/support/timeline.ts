import type { TestServer, TestUser } from './server';

export const NOTE_FIELDS = `id text createdAt author { id name } attachment { id fileName mimeType sizeBytes sha256 }`;
export const ACTIVITY_FIELDS = `id kind subject description direction status dueAt completedAt createdAt owner { id name }`;

export const ADD_NOTE = `mutation($input: AddNoteInput!) {
  addNote(input: $input) { note { ${NOTE_FIELDS} } userErrors { code message field } }
}`;
export const LOG_ACTIVITY = `mutation($input: LogActivityInput!) {
  logActivity(input: $input) { activity { ${ACTIVITY_FIELDS} } userErrors { code message field } }
}`;
export const COMPLETE_ACTIVITY = `mutation($input: CompleteActivityInput!) {
  completeActivity(input: $input) { activity { ${ACTIVITY_FIELDS} } userErrors { code message field } }
}`;

/** Creates a lead through the API as `as` (its owner) and returns its id. */
export async function createLead(s: TestServer, as: TestUser, topic = 'Timeline lead'): Promise<string> {
  const res = await s.gql(`mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { message } } }`,
    { input: { topic, lastName: 'Doe', companyName: 'Acme' } }, { as });
  if (!res.data?.createLead?.lead) throw new Error(`createLead failed: ${JSON.stringify(res)}`);
  return res.data.createLead.lead.id;
}

export async function addNote(s: TestServer, as: TestUser, input: Record<string, unknown>) {
  const res = await s.gql(ADD_NOTE, { input }, { as });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.addNote as { note: any; userErrors: any[] };
}

export async function logActivity(s: TestServer, as: TestUser, input: Record<string, unknown>) {
  const res = await s.gql(LOG_ACTIVITY, { input }, { as });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.logActivity as { activity: any; userErrors: any[] };
}

export async function count(s: TestServer, table: 'note' | 'attachment' | 'activity' | 'audit_entry', leadId: string): Promise<number> {
  const column = table === 'audit_entry' ? 'entity_id' : 'lead_id';
  const res = await s.db.query(`select count(*)::int as n from ${table} where ${column} = $1`, [leadId]);
  return res.rows[0].n;
}

/** Deterministic pseudo-random bytes, so that a failing round trip is reproducible. */
export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const LIFECYCLE = {
  qualify: ['qualifyLeads', `mutation($id: ID!) { qualifyLeads(input: { leadIds: [$id], currencyCode: "USD" }) {
    userErrors { message } results { userErrors { message } } } }`],
  disqualify: ['disqualifyLead', `mutation($id: ID!) { disqualifyLead(input: { id: $id }) { userErrors { message } } }`],
  reactivate: ['reactivateLead', `mutation($id: ID!) { reactivateLead(input: { id: $id }) { userErrors { message } } }`],
  delete: ['deleteLead', `mutation($id: ID!) { deleteLead(input: { id: $id }) { userErrors { message } } }`],
} as const;

/** Runs a lead lifecycle command as an admin and fails on any error. */
export async function lifecycle(s: TestServer, leadId: string, action: keyof typeof LIFECYCLE): Promise<void> {
  const [field, mutation] = LIFECYCLE[action];
  const res = await s.gql(mutation, { id: leadId });
  const payload = res.data?.[field];
  const errors = [...(res.errors ?? []), ...(payload?.userErrors ?? []), ...(payload?.results ?? []).flatMap((r: any) => r.userErrors)];
  if (errors.length) throw new Error(`${field}: ${JSON.stringify(errors)}`);
}
