import { randomBytes, randomUUID } from 'node:crypto';
import { dataStatements, startTestServer, type TestServer, type TestUser } from './support/server';
import { insertLeads } from './support/lifecycle';

/**
 * Duplicate detection: the three rules, createLead's duplicateCheck, leadDuplicates and
 * findDuplicateLeads, what each role may learn through them, a race of creates, and the
 * indexes that answer them without scanning the table.
 */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

const MATCHES = 'lead { id topic state } rule score';
const CREATE = `mutation($input: CreateLeadInput!) {
  createLead(input: $input) { lead { id } duplicates { ${MATCHES} } userErrors { code message field } }
}`;
const LEAD_DUPLICATES = `query($id: ID!) { leadDuplicates(id: $id) { ${MATCHES} } }`;
const FIND = `query($input: CreateLeadInput!) { findDuplicateLeads(input: $input) { ${MATCHES} } }`;

/** A word no other test uses, to keep each test's leads apart in the shared database. */
const tag = () => randomBytes(4).toString('hex');

async function create(input: Record<string, unknown>, as: TestUser = s.users.admin) {
  const res = await s.gql(CREATE, { input: { topic: 'Dup test', lastName: 'Doe', ...input } }, { as });
  expect(res.errors).toBeUndefined();
  return res.data.createLead as { lead: { id: string } | null; duplicates: { lead: { id: string }; rule: string; score: number }[]; userErrors: { code: string; message: string; field: string[] }[] };
}
const matchIds = (ms: { lead: { id: string } }[]) => ms.map((m) => m.lead.id);
const leadCount = async (where: string, params: unknown[]) => Number((await s.db.query(`select count(*) from lead where ${where}`, params)).rows[0].count);

describe('the rules', () => {
  test('SAME_EMAIL ignores case; the match scores 1', async () => {
    const t = tag();
    const first = await create({ email: `Ada.${t}@Example.com` });
    const second = await create({ email: `ada.${t}@example.COM` });
    expect(second.lead).not.toBeNull();
    expect(second.duplicates).toEqual([{ lead: { id: first.lead!.id, topic: 'Dup test', state: 'OPEN' }, rule: 'SAME_EMAIL', score: 1 }]);
  });

  test('SAME_PHONE compares digits only, across business and mobile phones, and needs at least 7 digits', async () => {
    const t = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const first = await create({ businessPhone: `+1 (555) ${t.slice(0, 3)}-${t.slice(3)}9`, mobilePhone: '12-34' });
    const byMobile = await create({ mobilePhone: `1555${t}9` });
    expect(byMobile.duplicates).toEqual([expect.objectContaining({ lead: expect.objectContaining({ id: first.lead!.id }), rule: 'SAME_PHONE', score: 0.9 })]);
    // 4 digits in common are not a match: too short to tell people apart.
    const short = await create({ businessPhone: '12 34' });
    expect(matchIds(short.duplicates)).not.toContain(first.lead!.id);
  });

  test('SIMILAR_NAME_AND_COMPANY needs both the full name and the company at least 0.6 alike', async () => {
    const t = tag();
    const first = await create({ firstName: 'Katherine', lastName: `Johnson${t}`, companyName: `Langley Research ${t}` });
    const typo = await create({ firstName: 'Katherin', lastName: `Johnson${t}`, companyName: `Langley Reserch ${t}` });
    expect(typo.duplicates).toHaveLength(1);
    const [m] = typo.duplicates;
    expect(m).toMatchObject({ lead: { id: first.lead!.id }, rule: 'SIMILAR_NAME_AND_COMPANY' });
    expect(m.score).toBeGreaterThanOrEqual(0.48);
    expect(m.score).toBeLessThanOrEqual(0.8);
    // Same person, another company: not a duplicate by this rule.
    const elsewhere = await create({ firstName: 'Katherine', lastName: `Johnson${t}`, companyName: `Goddard Flight ${t}` });
    expect(matchIds(elsewhere.duplicates)).not.toContain(first.lead!.id);
    // A lead without a company is never matched by name alone.
    const noCompany = await create({ firstName: 'Katherine', lastName: `Johnson${t}` });
    expect(noCompany.duplicates).toEqual([]);
  });

  test('a lead matched by several rules is reported once, by its strongest; matches come best first', async () => {
    const t = tag();
    const phone = `+44 20 7946 ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const both = await create({ email: `grace.${t}@navy.example`, businessPhone: phone, firstName: 'Grace', lastName: `Hopper${t}`, companyName: `Navy ${t}` });
    const phoneOnly = await create({ mobilePhone: phone, lastName: `Other${t}` });
    const third = await create({ email: `grace.${t}@navy.example`, businessPhone: phone, firstName: 'Grace', lastName: `Hopper${t}`, companyName: `Navy ${t}` });
    expect(third.duplicates.map((m) => [m.lead.id, m.rule, m.score])).toEqual([
      [both.lead!.id, 'SAME_EMAIL', 1],
      [phoneOnly.lead!.id, 'SAME_PHONE', 0.9],
    ]);
  });

  test('only OPEN leads are duplicates: a disqualified or qualified one is not', async () => {
    const t = tag();
    await insertLeads(s, s.users.admin, [
      { email: `closed.${t}@example.com`, state: 'DISQUALIFIED', status_reason: 'LOST' },
      { email: `closed.${t}@example.com`, state: 'QUALIFIED', status_reason: 'QUALIFIED' },
    ]);
    expect((await create({ email: `closed.${t}@example.com` })).duplicates).toEqual([]);
  });
});

describe('createLead duplicateCheck', () => {
  test('WARN (the default) creates the lead and lists the duplicates; OFF does not look', async () => {
    const t = tag();
    const first = await create({ email: `warn.${t}@example.com` });
    const warned = await create({ email: `warn.${t}@example.com`, duplicateCheck: 'WARN' });
    expect(warned.lead).not.toBeNull();
    expect(matchIds(warned.duplicates)).toEqual([first.lead!.id]);
    const off = await create({ email: `warn.${t}@example.com`, duplicateCheck: 'OFF' });
    expect(off).toEqual({ lead: { id: expect.any(String) }, duplicates: [], userErrors: [] });
    expect(await leadCount('lower(email) = $1', [`warn.${t}@example.com`])).toBe(3);
  });

  test('FAIL creates nothing and answers DUPLICATE_RECORD with the duplicates', async () => {
    const t = tag();
    const first = await create({ email: `fail.${t}@example.com` });
    const audits = Number((await s.db.query('select count(*) from audit_entry')).rows[0].count);
    const failed = await create({ email: `FAIL.${t}@example.com`, duplicateCheck: 'FAIL' });
    expect(failed.lead).toBeNull();
    expect(failed.userErrors).toEqual([{ code: 'DUPLICATE_RECORD', message: expect.stringContaining(first.lead!.id), field: ['input', 'duplicateCheck'] }]);
    expect(matchIds(failed.duplicates)).toEqual([first.lead!.id]);
    expect(await leadCount('lower(email) = $1', [`fail.${t}@example.com`])).toBe(1);
    expect(Number((await s.db.query('select count(*) from audit_entry')).rows[0].count)).toBe(audits);
    // Without a duplicate, FAIL creates as usual.
    expect((await create({ email: `fresh.${t}@example.com`, duplicateCheck: 'FAIL' })).lead).not.toBeNull();
  });

  test('an unknown duplicateCheck value is refused by GraphQL before anything runs', async () => {
    const res = await s.gql(CREATE, { input: { topic: 'x', lastName: 'y', duplicateCheck: 'MAYBE' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('racing creates of one person with FAIL: exactly one is created, the others see it', async () => {
    const t = tag();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      create({ email: `race.${t}@example.com`, topic: `Race ${i}`, duplicateCheck: 'FAIL' }, i % 2 ? s.users.manager : s.users.sales)));
    const created = results.filter((r) => r.lead);
    expect(created).toHaveLength(1);
    for (const r of results.filter((x) => !x.lead)) {
      expect(r.userErrors.map((e) => e.code)).toEqual(['DUPLICATE_RECORD']);
      expect(matchIds(r.duplicates)).toEqual([created[0].lead!.id]);
    }
    expect(await leadCount('lower(email) = $1', [`race.${t}@example.com`])).toBe(1);
  });

  test('racing creates that share a phone number with FAIL: one is created', async () => {
    const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      create({ topic: `Phone race ${i}`, [i % 2 ? 'mobilePhone' : 'businessPhone']: i % 3 ? digits : `${digits.slice(0, 3)} ${digits.slice(3)}`, duplicateCheck: 'FAIL' })));
    expect(results.filter((r) => r.lead)).toHaveLength(1);
  });
});

describe('leadDuplicates and findDuplicateLeads', () => {
  test('leadDuplicates lists the other matching OPEN leads, never the lead itself', async () => {
    const t = tag();
    const a = await create({ email: `pair.${t}@example.com` });
    const b = await create({ email: `pair.${t}@example.com` });
    const res = await s.gql(LEAD_DUPLICATES, { id: a.lead!.id });
    expect(res.errors).toBeUndefined();
    expect(res.data.leadDuplicates).toEqual([{ lead: { id: b.lead!.id, topic: 'Dup test', state: 'OPEN' }, rule: 'SAME_EMAIL', score: 1 }]);
    const lone = await create({ email: `lone.${t}@example.com` });
    expect((await s.gql(LEAD_DUPLICATES, { id: lone.lead!.id })).data.leadDuplicates).toEqual([]);
  });

  test('leadDuplicates of an unknown, malformed or invisible lead is empty', async () => {
    const t = tag();
    const a = await create({ email: `hidden.${t}@example.com` });
    await create({ email: `hidden.${t}@example.com` });
    for (const id of [randomUUID(), 'not-an-id']) expect((await s.gql(LEAD_DUPLICATES, { id })).data.leadDuplicates).toEqual([]);
    expect((await s.gql(LEAD_DUPLICATES, { id: a.lead!.id }, { as: s.users.partner })).data.leadDuplicates).toEqual([]);
  });

  test('findDuplicateLeads answers what createLead would report, and writes nothing', async () => {
    const t = tag();
    const a = await create({ email: `find.${t}@example.com`, firstName: 'Alan', lastName: `Turing${t}`, companyName: `Bletchley ${t}` });
    const before = await leadCount('true', []);
    const res = await s.gql(FIND, { input: { topic: 'Probe', lastName: `Turing${t}`, firstName: 'Alan', companyName: `Bletchley ${t}` } });
    expect(res.errors).toBeUndefined();
    expect(res.data.findDuplicateLeads).toEqual([expect.objectContaining({ lead: expect.objectContaining({ id: a.lead!.id }), rule: 'SIMILAR_NAME_AND_COMPANY' })]);
    expect(await leadCount('true', [])).toBe(before);
  });

  test('findDuplicateLeads refuses input that createLead would refuse, as BAD_USER_INPUT', async () => {
    const res = await s.gql(FIND, { input: { topic: ' ', lastName: 'x', email: 'not an email' } });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/email/);
  });
});

describe('access', () => {
  test("a PARTNER is matched only against the leads it created, and learns nothing of others'", async () => {
    const t = tag();
    const staffLead = await create({ email: `partner.${t}@example.com` });
    const own = await create({ email: `partner.${t}@example.com`, duplicateCheck: 'OFF' }, s.users.partner);
    const other = await create({ email: `partner.${t}@example.com`, duplicateCheck: 'OFF' }, s.users.partner2);

    const created = await create({ email: `partner.${t}@example.com` }, s.users.partner);
    expect(matchIds(created.duplicates)).toEqual([own.lead!.id]);
    const found = await s.gql(FIND, { input: { topic: 'x', lastName: 'y', email: `partner.${t}@example.com` } }, { as: s.users.partner2 });
    expect(matchIds(found.data.findDuplicateLeads)).toEqual([other.lead!.id]);
    // With FAIL, leads it cannot see never stop a PARTNER.
    const t2 = tag();
    await create({ email: `only-staff.${t2}@example.com` });
    expect((await create({ email: `only-staff.${t2}@example.com`, duplicateCheck: 'FAIL' }, s.users.partner)).lead).not.toBeNull();
    // Staff see every match.
    const staff = await s.gql(LEAD_DUPLICATES, { id: staffLead.lead!.id }, { as: s.users.sales });
    expect(matchIds(staff.data.leadDuplicates).sort()).toEqual([own.lead!.id, other.lead!.id, created.lead!.id].sort());
  });

  test('a SALESPERSON sees duplicates among all leads, owned by anyone', async () => {
    const t = tag();
    const managers = await create({ email: `sales.${t}@example.com` }, s.users.manager);
    const mine = await create({ email: `sales.${t}@example.com` }, s.users.sales);
    expect(matchIds(mine.duplicates)).toEqual([managers.lead!.id]);
  });

  test('without an API key, the duplicate queries are UNAUTHENTICATED', async () => {
    const res = await s.gql(LEAD_DUPLICATES, { id: randomUUID() }, { as: null });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('indexes', () => {
  /**
   * The generic plan of the duplicate lookup the server ran last: the plan a prepared
   * statement settles on whatever its values (the server names and prepares its reads).
   */
  async function planOfLastLookup(): Promise<string> {
    const statement = dataStatements(s.sql).map((q) => q.replace(/^\[query\]\s*/, '').replace(/\s*\[took [^\]]*\]\s*$/, ''))
      .filter((q) => q.includes('SIMILAR_NAME_AND_COMPANY')).at(-1);
    expect(statement).toBeDefined();
    let n = 0;
    const text = statement!.replace(/\?/g, () => `$${++n}`);
    await s.db.query('set plan_cache_mode = force_generic_plan');
    await s.db.query(`prepare duplicate_probe as ${text}`);
    try {
      const plan = await s.db.query(`explain execute duplicate_probe(${Array(n).fill('null').join(', ')})`);
      return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await s.db.query('deallocate duplicate_probe');
      await s.db.query('reset plan_cache_mode');
    }
  }

  test('the lookup reads the partial indexes over OPEN leads, never a scan of the table', async () => {
    const owner = await s.createUser('SALESPERSON' as never);
    // 30,000 leads, most of them closed, so that a scan would cost what it does in production.
    await s.db.query(`insert into lead (id, topic, first_name, last_name, company_name, email, business_phone, mobile_phone, state, status_reason, owner_id, created_by_id, created_at, updated_at)
      select gen_random_uuid(), 'Bulk ' || i, 'First' || (i % 997), 'Last' || i, 'Company ' || (i % 1499), 'bulk' || i || '@example.com',
             '+1 555 ' || lpad(i::text, 7, '0'), case when i % 3 = 0 then '07700 ' || lpad(i::text, 6, '0') end,
             case when i % 4 = 0 then 'OPEN' else 'DISQUALIFIED' end, case when i % 4 = 0 then 'NEW' else 'LOST' end, $1, $1, now(), now()
      from generate_series(1, 30000) i`, [owner.id]);
    await s.db.query('analyze lead');
    for (const input of [
      { email: 'bulk400@example.com' },
      { businessPhone: '+1 555 0000400' },
      { firstName: 'First400', lastName: 'Last400', companyName: 'Company 400' },
      { email: 'bulk800@example.com', mobilePhone: '07700 000801', firstName: 'First1', lastName: 'Last800', companyName: 'Company 800' },
    ]) {
      s.resetSql();
      const res = await s.gql(FIND, { input: { topic: 'Probe', lastName: 'x', ...input } });
      expect(res.errors).toBeUndefined();
      const plan = await planOfLastLookup();
      expect(plan).not.toMatch(/Seq Scan on lead/);
      expect(plan).toMatch(/lead_open_(email|phone_keys|name_trgm|company_trgm)_idx/);
    }
    // And the lookups found what they should among those leads.
    const found = await s.gql(FIND, { input: { topic: 'Probe', lastName: 'Last400', firstName: 'First400', companyName: 'Company 400', email: 'bulk400@example.com' } });
    expect(found.data.findDuplicateLeads[0]).toMatchObject({ rule: 'SAME_EMAIL', score: 1 });
  });

  test('createLead with duplicateCheck costs two statements more than with OFF, whatever the data', async () => {
    const t = tag();
    s.resetSql();
    await create({ email: `count.${t}@example.com`, duplicateCheck: 'OFF' });
    const off = dataStatements(s.sql).length;
    s.resetSql();
    await create({ email: `count2.${t}@example.com`, businessPhone: '+1 555 123 4567' });
    expect(dataStatements(s.sql).length).toBe(off + 2);
  });
});
