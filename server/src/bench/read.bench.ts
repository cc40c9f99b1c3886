import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createApp } from '../app';
import { Role } from '../common/enums';
import { loadConfig } from '../config';
import { UserService } from '../users/user.service';

export interface ReadBenchRow {
  leads: number; statements: number; medianMs: number;
  /** The baseline: the list, then each lead's details in a request of its own. */
  baselineStatements: number; baselineMedianMs: number; runs: number;
}

const isData = (q: string) => /^\[query\]\s*(select|insert|update|delete|with)\b/i.test(q);

const DETAILS = `id topic owner { name } stakeholders { role contact { fullName } }
  timeline(first: 3) { totalCount nodes { __typename ... on Note { text } ... on Activity { subject status } } }
  history(first: 3) { nodes { action at } }`;
const PAGE = `query($owner: ID!, $n: Int!) { leads(first: $n, filter: { ownerId: $owner }) { nodes { ${DETAILS} } } }`;
const LIST = 'query($owner: ID!, $n: Int!) { leads(first: $n, filter: { ownerId: $owner }) { nodes { id } } }';
const ONE = `query($id: ID!) { lead(id: $id) { ${DETAILS} } }`;

/**
 * A page of leads with their owner, stakeholders, newest timeline items and history — what a
 * list view shows — in one request, against the baseline of fetching the list and then each
 * lead on its own (what a client does when nested lists cost a query per parent anyway).
 * Both read the same rows; the statements show the batching, the times what it buys.
 */
export async function benchRead(databaseUrl: string, sizes: number[], runs: number): Promise<ReadBenchRow[]> {
  let statements = 0;
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), port: 0, host: '127.0.0.1', rateLimitPerMinute: 0 };
  const app = await createApp({ config, databaseUrl, onQuery: (q) => { if (isData(q)) statements += 1; } });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const url = `${await app.listen()}/graphql`;
    const user = await new UserService(app.orm.em.fork()).createUser({ name: 'reader', email: `reader-${randomUUID()}@bench.example`, role: Role.MANAGER });
    const post = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${user.apiKey}` },
        body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: unknown };
      if (body.errors) throw new Error(`read failed: ${JSON.stringify(body.errors).slice(0, 300)}`);
      return body.data;
    };
    const rows: ReadBenchRow[] = [];
    for (const n of sizes) {
      const owner = (await new UserService(app.orm.em.fork()).createUser({ name: 'owner', email: `owner-${randomUUID()}@bench.example`, role: Role.SALESPERSON })).id;
      const contact = randomUUID();
      await db.query("insert into contact (id, last_name, created_at) values ($1, 'Reader', now())", [contact]);
      await db.query(`with l as (
          insert into lead (id, topic, last_name, owner_id, created_by_id, created_at, updated_at)
          select gen_random_uuid(), 'Read ' || i, 'Lead', $2, $2, now(), now() from generate_series(1, $1) i returning id)
        , s as (insert into stakeholder (id, lead_id, contact_id, role, created_at) select gen_random_uuid(), id, $3, 'CHAMPION', now() from l)
        , n as (insert into note (id, lead_id, text, created_at) select gen_random_uuid(), id, 'note ' || k, now() - k * interval '1 minute' from l, generate_series(1, 5) k)
        , a as (insert into activity (id, lead_id, kind, subject, owner_id, created_at) select gen_random_uuid(), id, 'PHONE_CALL', 'call ' || k, $2, now() - k * interval '90 seconds' from l, generate_series(1, 5) k)
        insert into audit_entry (id, entity_type, entity_id, action, at, changes) select gen_random_uuid(), 'Lead', id, 'CREATED', now(), '[]' from l`,
      [n, owner, contact]);
      await post(PAGE, { owner, n }); // warm-up
      const page: number[] = [];
      const base: number[] = [];
      let pageStatements = 0;
      let baseStatements = 0;
      for (let r = 0; r < runs; r++) {
        statements = 0;
        let t = process.hrtime.bigint();
        await post(PAGE, { owner, n });
        page.push(Number(process.hrtime.bigint() - t) / 1e6);
        pageStatements = statements;
        statements = 0;
        t = process.hrtime.bigint();
        const list = await post(LIST, { owner, n });
        for (const { id } of list.leads.nodes) await post(ONE, { id });
        base.push(Number(process.hrtime.bigint() - t) / 1e6);
        baseStatements = statements;
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      rows.push({ leads: n, statements: pageStatements, medianMs: median(page), baselineStatements: baseStatements, baselineMedianMs: median(base), runs });
    }
    return rows;
  } finally {
    await db.end();
    await app.stop();
  }
}

export function formatReadTable(rows: ReadBenchRow[]): string {
  return [
    '| leads | SQL statements | median ms | baseline: list + one request per lead (statements / median ms) | speed-up vs baseline | runs |',
    '|------:|---------------:|----------:|:------------------------------------|-----:|-----:|',
    ...rows.map((r) => `| ${r.leads} | ${r.statements} | ${r.medianMs.toFixed(1)} | ${r.baselineStatements} / ${r.baselineMedianMs.toFixed(1)} | `
      + `${(r.baselineMedianMs / r.medianMs).toFixed(1)}× | ${r.runs} |`),
  ].join('\n');
}
