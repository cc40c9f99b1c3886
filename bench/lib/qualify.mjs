// qualifyLeads through the service against a SQL floor that makes the same writes in one
// transaction with set-based SQL, on fresh leads made for each run.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { differences } from './list.mjs';
import { median } from './load.mjs';

const QUALIFY = `mutation($input: QualifyLeadsInput!) { qualifyLeads(input: $input) {
  qualifiedCount failedCount userErrors { code } results { leadId opportunity { id } userErrors { code } } } }`;

/**
 * `n` fresh OPEN leads owned by `ownerId` (the bench user), each with a company and an email of
 * its own (so qualifying creates an account and a contact), a budget in EUR (converted to the
 * opportunity's USD) and one stakeholder (copied to the opportunity). Returns their ids.
 */
export async function freshLeads(client, n, ownerId, stakeholderContactId) {
  const tag = randomUUID().slice(0, 8);
  const { rows } = await client.query(`with l as (
      insert into lead (id, topic, first_name, last_name, job_title, company_name, email, business_phone, budget_amount, budget_currency_code,
        owner_id, created_by_id, created_at, updated_at)
      select gen_random_uuid(), 'Bench ' || i, 'Fresh', 'Lead' || i, 'Buyer', 'Company ' || $2 || ' ' || i, 'lead' || i || '.' || $2 || '@bench.example',
        '+1 555 ' || i, 1000 + i + 0.25, 'EUR', $3, $3, now() - interval '1 day', now() - interval '1 day'
      from generate_series(1, $1) i returning id, created_at)
    , s as (insert into stakeholder (id, lead_id, contact_id, role, created_at)
      select gen_random_uuid(), id, $4, 'CHAMPION', created_at from l)
    select id from l`, [n, tag, ownerId, stakeholderContactId]);
  return { ids: rows.map((r) => r.id), tag };
}

/**
 * The floor: the writes qualifyLeads makes for these leads with the default options
 * (createAccount, createContact, createOpportunity, duplicateHandling LINK_EXISTING), in one
 * transaction — lock the leads in id order, take the duplicate-key advisory locks in hash
 * order, then one statement that finds existing accounts / contacts / opportunities, inserts
 * the new accounts (with their primary contact), contacts, opportunities (budget converted,
 * half-up to the cent) and the stakeholder copies, qualifies the leads (links, version + 1)
 * and writes one audit entry per lead with the changed fields, as the service does.
 */
export const FLOOR_LOCK_SQL = 'select * from lead where id = any($1::uuid[]) order by id for update';

export const FLOOR_ADVISORY_SQL = `select pg_advisory_xact_lock(h) from (select distinct hashtext(k) as h from (
    select 'account:' || regexp_replace(lower(company_name), '\\s+', '', 'g') as k from lead
    where id = any($1::uuid[]) and state = 'OPEN' and coalesce(existing_account_id, account_id) is null and btrim(coalesce(company_name, '')) <> ''
    union all
    select 'contact:' || lower(btrim(email)) from lead
    where id = any($1::uuid[]) and state = 'OPEN' and coalesce(existing_contact_id, contact_id) is null and btrim(coalesce(email, '')) <> ''
  ) as keys) as x order by h`;

// $1 lead ids in input order, $2 currency, $3 actor, $4 now (timestamptz), $5 now (ISO text)
export const FLOOR_WRITE_SQL = `
with input as materialized (
  select l.*, o.ord,
    case when coalesce(l.existing_account_id, l.account_id) is null and btrim(coalesce(l.company_name, '')) <> ''
      then regexp_replace(lower(l.company_name), '\\s+', '', 'g') end as akey,
    case when coalesce(l.existing_contact_id, l.contact_id) is null and btrim(coalesce(l.email, '')) <> ''
      then lower(btrim(l.email)) end as ckey
  from unnest($1::uuid[]) with ordinality as o(id, ord) join lead l on l.id = o.id
  where l.state = 'OPEN'
), found_account as (
  select distinct on (name_normalized) name_normalized as key, id from account
  where name_normalized in (select akey from input) order by name_normalized, created_at, id
), found_contact as (
  select distinct on (lower(email)) lower(email) as key, id from contact
  where lower(email) in (select ckey from input) order by lower(email), created_at, id
), found_opportunity as (
  select originating_lead_id as lead_id, id from opportunity where originating_lead_id in (select id from input)
), account_maker as materialized (
  select distinct on (i.akey) gen_random_uuid() as account_id, i.akey, i.id as lead_id
  from input i where i.akey is not null and not exists (select 1 from found_account f where f.key = i.akey)
  order by i.akey, i.ord
), contact_maker as materialized (
  select distinct on (coalesce(i.ckey, i.id::text)) gen_random_uuid() as contact_id, i.ckey, i.id as lead_id
  from input i where coalesce(i.existing_contact_id, i.contact_id) is null
    and (i.ckey is null or not exists (select 1 from found_contact f where f.key = i.ckey))
  order by coalesce(i.ckey, i.id::text), i.ord
), plan as materialized (
  select i.*,
    coalesce(i.existing_account_id, i.account_id, fa.id, am.account_id) as to_account_id,
    coalesce(i.existing_contact_id, i.contact_id, fc.id, cm.contact_id, cml.contact_id) as to_contact_id,
    coalesce(fo.id, gen_random_uuid()) as to_opportunity_id,
    fo.id is null as opportunity_created,
    round(i.budget_amount * target.exchange_rate / budget.exchange_rate, 2) as estimated_value
  from input i
  cross join (select exchange_rate from currency where code = $2) as target
  left join currency budget on budget.code = i.budget_currency_code
  left join found_account fa on fa.key = i.akey
  left join account_maker am on am.akey = i.akey
  left join found_contact fc on fc.key = i.ckey
  left join contact_maker cm on cm.ckey = i.ckey
  -- a lead without an email gets a contact of its own (two hash joins, not one OR join)
  left join contact_maker cml on i.ckey is null and cml.ckey is null and cml.lead_id = i.id
  left join found_opportunity fo on fo.lead_id = i.id
), new_account as (
  insert into account (id, name, name_normalized, website, phone, industry, address_line1, address_line2, address_city,
    address_state_or_province, address_postal_code, address_country, primary_contact_id, originating_lead_id, owner_id, created_at)
  select am.account_id, btrim(p.company_name), am.akey, p.website, p.business_phone, p.industry, p.address_line1, p.address_line2, p.address_city,
    p.address_state_or_province, p.address_postal_code, p.address_country, p.to_contact_id, p.id, p.owner_id, $4
  from account_maker am join plan p on p.id = am.lead_id
  returning id
), new_contact as (
  insert into contact (id, first_name, last_name, email, job_title, business_phone, mobile_phone, address_line1, address_line2, address_city,
    address_state_or_province, address_postal_code, address_country, account_id, originating_lead_id, owner_id, created_at)
  select cm.contact_id, p.first_name, p.last_name, p.email, p.job_title, coalesce(p.business_phone, p.mobile_phone), p.mobile_phone,
    p.address_line1, p.address_line2, p.address_city, p.address_state_or_province, p.address_postal_code, p.address_country,
    p.to_account_id, p.id, p.owner_id, $4
  from contact_maker cm join plan p on p.id = cm.lead_id
  returning id
), new_opportunity as (
  insert into opportunity (id, name, state, currency_code, estimated_value, account_id, contact_id, originating_lead_id, owner_id, created_at, updated_at,
    description, source, purchase_timeframe, purchase_process, budget_status, decision_maker_identified, sales_stage)
  select p.to_opportunity_id, p.topic, 'OPEN', $2, p.estimated_value, p.to_account_id, p.to_contact_id, p.id, p.owner_id, $4, $4,
    p.description, p.source, p.purchase_timeframe, p.purchase_process, p.budget_status, p.decision_maker_identified, 'DEVELOP'
  from plan p where p.opportunity_created
  returning id
), copied_stakeholder as (
  insert into stakeholder (id, lead_id, opportunity_id, contact_id, role, created_at)
  select gen_random_uuid(), null, p.to_opportunity_id, s.contact_id, s.role, s.created_at
  from stakeholder s join plan p on s.lead_id = p.id
  order by s.created_at, s.id
  on conflict (opportunity_id, contact_id) do nothing
  returning id
), qualified as (
  update lead l set state = 'QUALIFIED', status_reason = 'QUALIFIED', qualified_at = $4, updated_at = $4, version = l.version + 1,
    qualifying_opportunity_id = p.to_opportunity_id, account_id = p.to_account_id, contact_id = p.to_contact_id
  from plan p where l.id = p.id
  returning l.id
), audited as (
  insert into audit_entry (id, entity_type, entity_id, action, actor_id, at, changes)
  select gen_random_uuid(), 'Lead', p.id, 'QUALIFIED', $3, $4, (
    select coalesce(jsonb_agg(jsonb_build_object('field', c.field, 'oldValue', c.old, 'newValue', c.new) order by c.k), '[]'::jsonb)
    from (values
      (1, 'state', p.state, 'QUALIFIED'),
      (2, 'statusReason', p.status_reason, 'QUALIFIED'),
      (3, 'qualifiedAt', to_char(p.qualified_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), $5::text),
      (4, 'qualifyingOpportunityId', p.qualifying_opportunity_id::text, p.to_opportunity_id::text),
      (5, 'accountId', p.account_id::text, p.to_account_id::text),
      (6, 'contactId', p.contact_id::text, p.to_contact_id::text)) as c(k, field, old, new)
    where c.old is distinct from c.new)
  from plan p
  returning id
)
select p.id as lead_id, p.to_opportunity_id as opportunity_id,
  (select count(*) from new_account) + (select count(*) from new_contact) + (select count(*) from new_opportunity)
  + (select count(*) from copied_stakeholder) + (select count(*) from qualified) + (select count(*) from audited) as written
from plan p order by p.ord`;

export async function floorQualify(client, leadIds, actorId) {
  const now = new Date();
  await client.query('begin');
  try {
    await client.query(FLOOR_LOCK_SQL, [leadIds]);
    await client.query(FLOOR_ADVISORY_SQL, [leadIds]);
    const { rows } = await client.query(FLOOR_WRITE_SQL, [leadIds, 'USD', actorId, now, now.toISOString()]);
    await client.query('commit');
    if (rows.length !== leadIds.length) throw new Error(`the floor qualified ${rows.length} of ${leadIds.length} leads`);
    return rows;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

export async function serviceQualify(service, leadIds) {
  const res = await fetch(service.url, {
    method: 'POST', headers: service.headers,
    body: JSON.stringify({ query: QUALIFY, variables: { input: { leadIds, currencyCode: 'USD' } } }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.errors || body.data?.qualifyLeads?.qualifiedCount !== leadIds.length) {
    throw new Error(`service: qualifying ${leadIds.length} leads failed (HTTP ${res.status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body.data.qualifyLeads;
}

/**
 * What qualifying left behind for each lead, with ids and times replaced by what they must
 * equal, so that the service's writes and the floor's can be compared.
 */
async function outcome(client, leadIds, tag) {
  const { rows } = await client.query(`select jsonb_build_object(
      'lead', jsonb_build_object('state', l.state, 'statusReason', l.status_reason, 'version', l.version,
        'updatedIsQualifiedAt', l.updated_at = l.qualified_at),
      'account', (select jsonb_build_object('name', a.name, 'nameNormalized', a.name_normalized, 'website', a.website, 'phone', a.phone,
          'industry', a.industry, 'city', a.address_city, 'country', a.address_country, 'primaryContactIsLeads', a.primary_contact_id = l.contact_id, 'originIsLead', a.originating_lead_id = l.id,
          'ownerIsLeads', a.owner_id = l.owner_id)
        from account a where a.id = l.account_id),
      'contact', (select jsonb_build_object('firstName', c.first_name, 'lastName', c.last_name, 'email', c.email, 'jobTitle', c.job_title,
          'businessPhone', c.business_phone, 'mobilePhone', c.mobile_phone, 'city', c.address_city, 'accountIsLeads', c.account_id = l.account_id, 'originIsLead', c.originating_lead_id = l.id,
          'ownerIsLeads', c.owner_id = l.owner_id)
        from contact c where c.id = l.contact_id),
      'opportunity', (select jsonb_build_object('name', o.name, 'state', o.state, 'currency', o.currency_code, 'estimatedValue', o.estimated_value,
          'salesStage', o.sales_stage, 'description', o.description, 'source', o.source, 'purchaseTimeframe', o.purchase_timeframe,
          'purchaseProcess', o.purchase_process, 'budgetStatus', o.budget_status, 'decisionMakerIdentified', o.decision_maker_identified,
          'accountIsLeads', o.account_id = l.account_id, 'contactIsLeads', o.contact_id = l.contact_id, 'originIsLead', o.originating_lead_id = l.id,
          'ownerIsLeads', o.owner_id = l.owner_id, 'createdAtIsQualifiedAt', o.created_at = l.qualified_at and o.updated_at = l.qualified_at,
          'stakeholders', (select jsonb_agg(jsonb_build_object('contact', s.contact_id, 'role', s.role, 'createdAt', s.created_at) order by s.created_at, s.id)
            from stakeholder s where s.opportunity_id = o.id),
          'leadStakeholders', (select jsonb_agg(jsonb_build_object('contact', s.contact_id, 'role', s.role, 'createdAt', s.created_at) order by s.created_at, s.id)
            from stakeholder s where s.lead_id = l.id))
        from opportunity o where o.id = l.qualifying_opportunity_id),
      'audit', (select jsonb_agg(jsonb_build_object('entityType', e.entity_type, 'action', e.action, 'actorIsBench', e.actor_id is not null,
          'atIsQualifiedAt', e.at = l.qualified_at, 'changes', e.changes) order by e.at, e.id)
        from audit_entry e where e.entity_id = l.id),
      'ids', jsonb_build_object('account', l.account_id, 'contact', l.contact_id, 'opportunity', l.qualifying_opportunity_id,
        'qualifiedAt', to_char(l.qualified_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    ) as o
    from unnest($1::uuid[]) with ordinality as x(id, ord) join lead l on l.id = x.id order by x.ord`, [leadIds]);
  return rows.map(({ o }) => {
    const { ids, opportunity, ...rest } = o;
    let text = JSON.stringify({
      ...rest,
      opportunity: opportunity && {
        ...opportunity, leadStakeholders: undefined,
        stakeholdersCopied: isDeepStrictEqual(opportunity.stakeholders, opportunity.leadStakeholders), stakeholders: opportunity.stakeholders?.length ?? 0,
      },
    });
    for (const [name, value] of Object.entries(ids)) if (value) text = text.split(value).join(`<${name}>`);
    return JSON.parse(text.split(tag).join('<tag>'));
  });
}

/** Qualifies 10 fresh leads each way and throws unless both left the same records behind. */
export async function checkFloorMirrorsService(ctx) {
  const { client, service, userId, contactId } = ctx;
  const a = await freshLeads(client, 10, userId, contactId);
  await serviceQualify(service, a.ids);
  const b = await freshLeads(client, 10, userId, contactId);
  await floorQualify(client, b.ids, userId);
  const [fromService, fromFloor] = [await outcome(client, a.ids, a.tag), await outcome(client, b.ids, b.tag)];
  for (let i = 0; i < fromService.length; i++) {
    if (!isDeepStrictEqual(fromService[i], fromFloor[i])) {
      throw new Error(`the qualify floor does not write what the service writes (lead ${i}; service vs floor):\n  `
        + differences(fromService[i], fromFloor[i]).join('\n  '));
    }
  }
}

/**
 * Runs of each size, interleaved (service, floor, and for small sizes the baseline of one
 * request per lead, as a client without the bulk mutation would do), each on fresh leads;
 * medians. Statements are counted for every run.
 */
export async function benchQualify(ctx, sizes, runs, log) {
  const { client, service, userId, contactId, statements } = ctx;
  const timed = async (n, how) => {
    const { ids } = await freshLeads(client, n, userId, contactId);
    await statements.reset();
    const t0 = process.hrtime.bigint();
    if (how === 'service') await serviceQualify(service, ids);
    else if (how === 'floor') await floorQualify(client, ids, userId);
    else for (const id of ids) await serviceQualify(service, [id]);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const counted = await statements.read();
    return { ms, statements: counted };
  };
  // Warm-up: the service's first mutations compile and connect.
  for (let i = 0; i < 3; i++) { await timed(10, 'service'); await timed(10, 'floor'); }
  const rows = [];
  for (const n of sizes) {
    const samples = { service: [], floor: [], perLead: [] };
    // The baseline costs a request per lead: 3 runs at 10 leads, 1 at 100, none at 1000.
    const perLeadRuns = n <= 10 ? Math.min(runs, 3) : n <= 100 ? 1 : 0;
    for (let r = 0; r < runs; r++) {
      samples.service.push(await timed(n, 'service'));
      samples.floor.push(await timed(n, 'floor'));
      if (r < perLeadRuns) samples.perLead.push(await timed(n, 'perLead'));
    }
    const counts = (xs, key = 'total') => [...new Set(xs.map((x) => x.statements?.[key] ?? null))].sort((a, b) => a - b);
    const row = {
      leads: n, runs,
      serviceMs: median(samples.service.map((x) => x.ms)),
      floorMs: median(samples.floor.map((x) => x.ms)),
      perLeadMs: perLeadRuns ? median(samples.perLead.map((x) => x.ms)) : null,
      perLeadRuns,
      serviceStatements: counts(samples.service),
      serviceDataStatements: counts(samples.service, 'data'),
      floorStatements: counts(samples.floor),
      perLeadStatements: perLeadRuns ? counts(samples.perLead) : [],
    };
    const list = (xs) => xs.map((x) => x.ms.toFixed(0)).join(' ');
    log(`qualify ${n}: service ${row.serviceMs.toFixed(1)} ms (runs: ${list(samples.service)}), floor ${row.floorMs.toFixed(1)} ms (runs: ${list(samples.floor)})`);
    rows.push(row);
  }
  return rows;
}
