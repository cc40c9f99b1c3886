import 'reflect-metadata';
import { Role } from '../server/src/common/enums';
import { leadRows } from '../server/src/leads/lead.queries';
import { dataStatements, startTestServer, type TestServer, type TestUser } from './support/server';

/**
 * N+1 guards for the read path: every list view and nested relation costs the same number of
 * statements for 10 leads as for 100, and a list reads each lead exactly as a lookup of it
 * alone does.
 */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

/**
 * `n` qualified-looking leads of a fresh owner, each with an account and two contacts (one the
 * lead's contact), existing account and contact, an opportunity with a stakeholder, two lead
 * stakeholders, a note with a file, an activity and a history entry. Written straight into the
 * tables, so that arranging 100 leads costs a few statements.
 */
async function leadsOf(n: number): Promise<TestUser> {
  const owner = await s.createUser(Role.SALESPERSON);
  const q = (sql: string) => s.db.query(sql, [owner.id, n]);
  await q(`insert into lead (id, topic, last_name, first_name, company_name, owner_id, created_by_id, created_at, updated_at)
    select gen_random_uuid(), 'Lead ' || i, 'Last' || i, 'First', 'Company ' || i, $1, $1, now() - i * interval '1 second', now()
    from generate_series(1, $2::int) i`);
  await q(`insert into account (id, name, name_normalized, originating_lead_id, created_at)
    select gen_random_uuid(), 'Account of ' || l.topic, lower(l.topic), l.id, now() from lead l where l.owner_id = $1 and $2::int > 0`);
  await q(`insert into contact (id, first_name, last_name, email, account_id, originating_lead_id, created_at)
    select gen_random_uuid(), 'Contact' || k, l.last_name, lower(l.last_name) || k || '@example.com', a.id, case when k = 1 then l.id end, now()
    from lead l join account a on a.originating_lead_id = l.id, generate_series(1, 2) k where l.owner_id = $1 and $2::int > 0`);
  await q(`update account a set primary_contact_id = c.id from contact c
    where c.account_id = a.id and c.first_name = 'Contact1' and a.originating_lead_id in (select id from lead where owner_id = $1 and $2::int > 0)`);
  await q(`insert into opportunity (id, name, state, currency_code, estimated_value, account_id, contact_id, originating_lead_id, owner_id, created_at, updated_at)
    select gen_random_uuid(), l.topic, 'OPEN', 'USD', 1000.50, a.id, c.id, l.id, $1, now(), now()
    from lead l join account a on a.originating_lead_id = l.id join contact c on c.originating_lead_id = l.id where l.owner_id = $1 and $2::int > 0`);
  await q(`update lead l set account_id = a.id, contact_id = c.id, existing_account_id = a.id, existing_contact_id = c.id,
    qualifying_opportunity_id = o.id
    from account a, contact c, opportunity o
    where a.originating_lead_id = l.id and c.originating_lead_id = l.id and o.originating_lead_id = l.id and l.owner_id = $1 and $2::int > 0`);
  await q(`insert into stakeholder (id, lead_id, contact_id, role, created_at)
    select gen_random_uuid(), l.id, c.id, case when c.first_name = 'Contact1' then 'DECISION_MAKER' else 'STAKEHOLDER' end, now() - case when c.first_name = 'Contact1' then interval '1 second' else interval '0' end
    from lead l join account a on a.originating_lead_id = l.id join contact c on c.account_id = a.id where l.owner_id = $1 and $2::int > 0`);
  await q(`insert into stakeholder (id, opportunity_id, contact_id, role, created_at)
    select gen_random_uuid(), o.id, o.contact_id, 'CHAMPION', now() from opportunity o join lead l on l.id = o.originating_lead_id where l.owner_id = $1 and $2::int > 0`);
  await q(`insert into note (id, lead_id, text, author_id, created_at)
    select gen_random_uuid(), l.id, 'note on ' || l.topic, $1, now() from lead l where l.owner_id = $1 and $2::int > 0`);
  await q(`insert into attachment (id, note_id, lead_id, file_name, mime_type, size_bytes, sha256, content, created_at)
    select gen_random_uuid(), n.id, n.lead_id, 'f.txt', 'text/plain', 3, repeat('0', 64), 'abc'::bytea, now()
    from note n join lead l on l.id = n.lead_id where l.owner_id = $1 and $2::int > 0`);
  await q(`insert into activity (id, lead_id, kind, subject, owner_id, created_at)
    select gen_random_uuid(), l.id, 'PHONE_CALL', 'call ' || l.topic, $1, now() - interval '1 minute' from lead l where l.owner_id = $1 and $2::int > 0`);
  await q(`insert into audit_entry (id, entity_type, entity_id, action, actor_id, at, changes)
    select gen_random_uuid(), 'Lead', l.id, 'CREATED', $1, now(), '[]'::jsonb from lead l where l.owner_id = $1 and $2::int > 0`);
  return owner;
}

const LIST_VIEW = 'id topic companyName owner { name } stakeholders { role contact { fullName email account { name } } }';
const AROUND = `id fullName
  account { name primaryContact { fullName } originatingLead { id } }
  contact { fullName account { name } originatingLead { id } }
  existingAccount { name } existingContact { fullName email }
  qualifyingOpportunity { name currencyCode estimatedValue { amount currencyCode } owner { name } account { name }
    contact { fullName } stakeholders { role contact { fullName } } originatingLead { id } }`;
const TIMELINE = `id timeline(first: 3) { totalCount nodes { __typename ... on Note { text author { name } attachment { fileName sizeBytes } }
  ... on Activity { subject owner { name } } } }
  history(first: 3) { totalCount nodes { action actor { name } } }`;

/**
 * The data statements of listing `owner`'s leads with `fields`: `statements` with the API-key
 * lookup (when the key was not cached), `reads` without it.
 */
async function list(owner: TestUser, first: number, fields: string, as: TestUser = s.users.admin) {
  s.resetSql();
  const res = await s.gql(`query($owner: ID!, $first: Int!) { leads(first: $first, filter: { ownerId: $owner }) {
    edges { node { ${fields} } } } }`, { owner: owner.id, first }, { as });
  expect(res.errors).toBeUndefined();
  const statements = dataStatements(s.sql);
  return { statements, reads: statements.filter((q) => !/"api_key"/.test(q)), nodes: res.data.leads.edges.map((e: any) => e.node) };
}

let ten: TestUser;
let hundred: TestUser;
beforeAll(async () => {
  ten = await leadsOf(10);
  hundred = await leadsOf(100);
});

test.each([
  ['the list view (owner, stakeholders, their contacts and accounts)', LIST_VIEW],
  ['the records around each lead (accounts, contacts, opportunity and its stakeholders)', AROUND],
  ['timelines and histories', TIMELINE],
])('%s: 100 leads cost the statements of 10', async (_name, fields) => {
  const few = await list(ten, 10, fields);
  const many = await list(hundred, 100, fields);
  expect(few.nodes).toHaveLength(10);
  expect(many.nodes).toHaveLength(100);
  expect(many.reads.length).toBe(few.reads.length);
});

test('the list view is at most 6 statements, authentication included, at first: 10 and first: 100', async () => {
  for (const [owner, first] of [[ten, 10], [hundred, 100]] as const) {
    const { statements, nodes } = await list(owner, first, LIST_VIEW);
    expect(statements.length).toBeLessThanOrEqual(6);
    for (const lead of nodes) {
      expect(lead.owner.name).toMatch(/^salesperson-/);
      expect(lead.stakeholders.map((x: any) => x.role)).toEqual(['DECISION_MAKER', 'STAKEHOLDER']);
      for (const st of lead.stakeholders) expect(st.contact.account.name).toBe(`Account of ${lead.topic}`);
    }
  }
});

test('a listed lead reads exactly as the same lead looked up alone', async () => {
  const { nodes } = await list(ten, 10, `${LIST_VIEW} ${AROUND} ${TIMELINE}`);
  for (const listed of nodes) {
    const alone = await s.gql(`query($id: ID!) { lead(id: $id) { ${LIST_VIEW} ${AROUND} ${TIMELINE} } }`, { id: listed.id });
    expect(alone.errors).toBeUndefined();
    expect(listed).toEqual(alone.data.lead);
  }
  expect(nodes[0].qualifyingOpportunity.estimatedValue).toEqual({ amount: '1000.50', currencyCode: 'USD' });
  expect(nodes[0].timeline.nodes.map((n: any) => n.__typename)).toEqual(['Note', 'Activity']);
});

test('relations asked for their ids alone, and relations a lead does not have, read as when the lead is looked up alone', async () => {
  const bare = await s.createUser(Role.SALESPERSON);
  await s.db.query(`insert into lead (id, topic, last_name, owner_id, created_by_id, created_at, updated_at)
    values (gen_random_uuid(), 'Bare lead', 'Bare', $1, $1, now(), now())`, [bare.id]);
  const IDS = `id owner { id } account { id } contact { id account { id } } existingAccount { id } existingContact { id }
    qualifyingOpportunity { id } stakeholders { id contact { id account { id } } }`;
  for (const owner of [ten, bare]) {
    const { nodes } = await list(owner, 10, IDS);
    for (const listed of nodes) {
      const alone = await s.gql(`query($id: ID!) { lead(id: $id) { ${IDS} } }`, { id: listed.id });
      expect(alone.errors).toBeUndefined();
      expect(listed).toEqual(alone.data.lead);
    }
    if (owner === bare) {
      expect(nodes).toEqual([{ id: nodes[0].id, owner: { id: bare.id }, account: null, contact: null, existingAccount: null,
        existingContact: null, qualifyingOpportunity: null, stakeholders: [] }]);
    } else {
      expect(nodes[0].account.id).toEqual(expect.any(String));
      expect(nodes[0].stakeholders[0].contact.account.id).toEqual(expect.any(String));
    }
  }
});

test('a PARTNER listing leads reads no stakeholders or records around them, in as few statements', async () => {
  const partner = s.users.partner;
  await s.db.query(`update lead set created_by_id = $1 where owner_id = $2`, [partner.id, ten.id]);
  try {
    const { statements, nodes } = await list(ten, 10, `${LIST_VIEW} ${AROUND}`, partner);
    expect(nodes).toHaveLength(10);
    for (const lead of nodes) {
      expect(lead.stakeholders).toEqual([]);
      expect([lead.account, lead.contact, lead.existingAccount, lead.existingContact, lead.qualifyingOpportunity]).toEqual([null, null, null, null, null]);
    }
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(statements.filter((q) => /(from|join) "(stakeholder|account|contact|opportunity)"/.test(q))).toEqual([]);
  } finally {
    await s.db.query(`update lead set created_by_id = owner_id where owner_id = $1`, [ten.id]);
  }
});

test('a prefetched row of more values than a PostgreSQL function takes is built in parts, in order', async () => {
  const em = s.app.orm.em.fork();
  const lead = await s.db.query(`select id, topic from lead where owner_id = $1 limit 1`, [ten.id]);
  const props = leadRows.selectedProps(em);
  const extra = Array.from({ length: 120 - props.length }, (_, i) => `${i}`);
  const sql = leadRows.jsonArray(em, 'l', extra);
  expect(sql).toContain('||');
  const { rows } = await s.db.query(`select ${sql} as v from lead l where l.id = $1`, [lead.rows[0].id]);
  const values: unknown[] = rows[0].v;
  expect(values).toHaveLength(120);
  expect(values[props.indexOf('id')]).toBe(lead.rows[0].id);
  expect(values[props.indexOf('topic')]).toBe(lead.rows[0].topic);
  expect(values.slice(props.length)).toEqual(extra.map(Number));
});
