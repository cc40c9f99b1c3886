import { randomUUID } from 'node:crypto';
import { Role } from '../common/enums';
import { startBenchServer } from './bench-server';

export interface QualifyBenchRow {
  leads: number; statements: number; medianMs: number; minMs: number; runs: number;
  /** The baseline: the same leads qualified one request per lead, as a client without bulk does. */
  baselineStatements: number; baselineMedianMs: number; baselineRuns: number;
}

const QUALIFY = `mutation($input: QualifyLeadsInput!) { qualifyLeads(input: $input) {
  qualifiedCount failedCount userErrors { code } results { leadId opportunity { id } userErrors { code } } } }`;

/**
 * Qualifies batches of fresh leads through the real HTTP server and counts the SQL statements
 * each request issues (the ORM's query log) and its wall-clock time. Every lead has a company,
 * an email, a budget in EUR (converted to USD) and one stakeholder, so that every step runs.
 */
export async function benchQualify(databaseUrl: string, sizes: number[], runs: number): Promise<QualifyBenchRow[]> {
  const b = await startBenchServer(databaseUrl);
  const { db } = b;
  try {
    const user = await b.user(Role.SALESPERSON);
    const contact = randomUUID();
    await db.query("insert into contact (id, last_name, created_at) values ($1, 'Stakeholder', now())", [contact]);

    const qualify = async (n: number, oneByOne = false) => {
      const tag = randomUUID().slice(0, 8);
      const ids = (await db.query<{ id: string }>(
        `insert into lead (id, topic, last_name, company_name, email, budget_amount, budget_currency_code, owner_id, created_by_id, created_at, updated_at)
         select gen_random_uuid(), 'Bench ' || i, 'Lead' || i, 'Company ' || $2 || ' ' || i, 'lead' || i || '.' || $2 || '@bench.example', 1000 + i, 'EUR', $3, $3, now(), now()
         from generate_series(1, $1) i returning id`, [n, tag, user.id])).rows.map((r) => r.id);
      await db.query(`insert into stakeholder (id, lead_id, contact_id, role, created_at)
        select gen_random_uuid(), l, $2, 'CHAMPION', now() from unnest($1::uuid[]) l`, [ids, contact]);
      const send = async (leadIds: string[]) => {
        const data = await b.post(user.apiKey, QUALIFY, { input: { leadIds, currencyCode: 'USD' } });
        if (data.qualifyLeads.qualifiedCount !== leadIds.length) {
          throw new Error(`qualifying ${leadIds.length} leads failed: ${JSON.stringify(data).slice(0, 500)}`);
        }
      };
      b.resetStatements();
      const started = process.hrtime.bigint();
      if (oneByOne) for (const id of ids) await send([id]);
      else await send(ids);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return { ms, statements: b.statements() };
    };

    await qualify(10); // warm-up: connections, prepared metadata, JIT
    await qualify(10, true);
    const measure = async (n: number, count: number, oneByOne: boolean) => {
      const samples = [];
      for (let i = 0; i < count; i++) samples.push(await qualify(n, oneByOne));
      const times = samples.map((x) => x.ms).sort((a, b) => a - b);
      const counts = new Set(samples.map((x) => x.statements));
      if (counts.size !== 1) throw new Error(`statement count varied between runs of ${n}: ${[...counts].join(', ')}`);
      return { statements: samples[0].statements, medianMs: times[Math.floor(times.length / 2)], minMs: times[0] };
    };
    const rows: QualifyBenchRow[] = [];
    for (const n of sizes) {
      // The baseline and the bulk call alternate on the same machine, so load affects both alike.
      const baselineRuns = Math.max(1, Math.min(runs, Math.floor((runs * 10) / n)));
      const baseline = await measure(n, baselineRuns, true);
      const bulk = await measure(n, runs, false);
      rows.push({ leads: n, ...bulk, runs, baselineStatements: baseline.statements, baselineMedianMs: baseline.medianMs, baselineRuns });
    }
    return rows;
  } finally {
    await b.stop();
  }
}

export function formatTable(rows: QualifyBenchRow[]): string {
  const lines = [
    '| leads | SQL statements | median ms | min ms | ms per lead | runs | baseline: one request per lead (statements / median ms / runs) | speed-up vs baseline |',
    '|------:|---------------:|----------:|-------:|------------:|-----:|:-----------------------------------|-----:|',
    ...rows.map((r) => `| ${r.leads} | ${r.statements} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${(r.medianMs / r.leads).toFixed(2)} | ${r.runs} | `
      + `${r.baselineStatements} / ${r.baselineMedianMs.toFixed(1)} / ${r.baselineRuns} | ${(r.baselineMedianMs / r.medianMs).toFixed(1)}× |`),
  ];
  return lines.join('\n');
}
