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

/**
 * Runs a lead lifecycle command through the API when the schema has it; until then, sets the
 * same state with SQL, as the command would leave it.
 */
export async function lifecycle(s: TestServer, leadId: string, action: 'disqualify' | 'reactivate' | 'qualify' | 'delete'): Promise<void> {
  const mutations = await s.gql(`{ __type(name: "Mutation") { fields { name } } }`);
  const has = (name: string) => (mutations.data?.__type?.fields ?? []).some((f: { name: string }) => f.name === name);
  const ok = (res: any, field: string) => {
    const payload = res.data?.[field];
    if (res.errors || payload?.userErrors?.length) throw new Error(`${field}: ${JSON.stringify(res.errors ?? payload.userErrors)}`);
  };
  switch (action) {
    case 'qualify':
      if (has('qualifyLeads')) {
        const res = await s.gql(`mutation($input: QualifyLeadsInput!) { qualifyLeads(input: $input) { userErrors { message } results { userErrors { message } } } }`,
          { input: { leadIds: [leadId], currencyCode: 'USD' } });
        ok(res, 'qualifyLeads');
        const failed = res.data.qualifyLeads.results.flatMap((r: any) => r.userErrors);
        if (failed.length) throw new Error(JSON.stringify(failed));
      } else {
        await s.db.query(`update lead set state = 'QUALIFIED', status_reason = 'QUALIFIED', qualified_at = now() where id = $1`, [leadId]);
      }
      return;
    case 'disqualify':
      if (has('disqualifyLead')) ok(await s.gql(`mutation($id: ID!) { disqualifyLead(input: { id: $id }) { userErrors { message } } }`, { id: leadId }), 'disqualifyLead');
      else await s.db.query(`update lead set state = 'DISQUALIFIED', status_reason = 'LOST' where id = $1`, [leadId]);
      return;
    case 'reactivate':
      if (has('reactivateLead')) ok(await s.gql(`mutation($id: ID!) { reactivateLead(input: { id: $id }) { userErrors { message } } }`, { id: leadId }), 'reactivateLead');
      else await s.db.query(`update lead set state = 'OPEN', status_reason = 'NEW', qualified_at = null where id = $1`, [leadId]);
      return;
    case 'delete':
      if (has('deleteLead')) ok(await s.gql(`mutation($id: ID!) { deleteLead(input: { id: $id }) { userErrors { message } } }`, { id: leadId }), 'deleteLead');
      else await s.db.query(`delete from lead where id = $1`, [leadId]);
      return;
  }
}
