import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../db/database';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded';
import { benchQualify, formatTable } from './qualify.bench';
import { benchRead, formatReadTable } from './read.bench';

/**
 * `npm run bench`: runs the benchmarks on a database of their own — a fresh embedded
 * PostgreSQL in a temporary directory, or a new database on the server of DATABASE_URL —
 * and prints a Markdown table. Everything it created is removed afterwards.
 */
async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-bench-pg-'));
    fs.chmodSync(tmp, 0o755); // under root, PostgreSQL runs as an unprivileged user that must reach it
    embedded = await startEmbeddedPostgres(path.join(tmp, 'data'));
    adminUrl = embedded.adminUrl;
  }
  const name = `leads_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = await ensureDatabase(adminUrl, name);
  try {
    const runs = Number(process.env.BENCH_RUNS ?? 5);
    const where = `${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}, Node ${process.version}, ${os.cpus().length} CPUs`;
    const rows = await benchQualify(databaseUrl, [10, 100, 1000], runs);
    process.stdout.write(`qualifyLeads, one request per batch (${where})\n\n${formatTable(rows)}\n\n`);
    const reads = await benchRead(databaseUrl, [10, 100], runs);
    process.stdout.write(`A page of leads with owner, stakeholders, timeline(first: 3) and history(first: 3) (${where})\n\n${formatReadTable(reads)}\n`);
  } finally {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`).finally(() => admin.end());
    await embedded?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
