import { randomUUID } from 'node:crypto';
import { Role } from '../common/enums';
import { startBenchServer } from './bench-server';

export interface ReadBenchRow {
  leads: number; statements: number; medianMs: number;
  /** The baseline: the list, then each lead's details in a request of its own. */
  baselineStatements: number; baselineMedianMs: number; runs: number;
}

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
  const b = await startBenchServer(databaseUrl);
  const { db } = b;
  try {
    const user = await b.user(Role.MANAGER);
    const post = (query: string, variables: Record<string, unknown>) => b.post(user.apiKey, query, variables);
    const rows: ReadBenchRow[] = [];
    for (const n of sizes) {
      const owner = (await b.user(Role.SALESPERSON)).id;
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
        b.resetStatements();
        let t = process.hrtime.bigint();
        await post(PAGE, { owner, n });
        page.push(Number(process.hrtime.bigint() - t) / 1e6);
        pageStatements = b.statements();
        b.resetStatements();
        t = process.hrtime.bigint();
        const list = await post(LIST, { owner, n });
        for (const { id } of list.leads.nodes) await post(ONE, { id });
        base.push(Number(process.hrtime.bigint() - t) / 1e6);
        baseStatements = b.statements();
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      rows.push({ leads: n, statements: pageStatements, medianMs: median(page), baselineStatements: baseStatements, baselineMedianMs: median(base), runs });
    }
    return rows;
  } finally {
    await b.stop();
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
