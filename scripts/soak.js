#!/usr/bin/env node
/*
 * npm run soak: a bounded mixed workload against the compiled service on loopback — list reads,
 * creates, notes and qualifies from a few concurrent clients — for SOAK_SECONDS (default 600, at
 * most 600), sampling the service's RSS every 10 s, then checking invariants in SQL:
 *   - every lead is OPEN without an opportunity or QUALIFIED with exactly one;
 *   - no orphans (notes, stakeholders and opportunities point at rows that exist);
 *   - every change is audited (a CREATED entry per lead, a QUALIFIED entry per qualified lead).
 * It prints the figures and exits 1 when a request failed (5xx or a top-level error) or an
 * invariant does not hold. The database: a new one on the server of DATABASE_URL (dropped
 * afterwards), or an embedded PostgreSQL in a temporary folder.
 */
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const dist = path.resolve(__dirname, '../server/dist');
const { ensureDatabase } = require(path.join(dist, 'db/database.js'));
const { startEmbeddedPostgres, freePort } = require(path.join(dist, 'db/embedded.js'));
const { initOrm } = require(path.join(dist, 'db/orm.js'));
const { UserService } = require(path.join(dist, 'users/user.service.js'));

const SECONDS = Math.min(600, Number(process.env.SOAK_SECONDS || 600));
const CLIENTS = Number(process.env.SOAK_CLIENTS || 4);
const SAMPLE_MS = 10_000;

const rss = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch { return null; }
};

async function main() {
  let adminUrl = process.env.DATABASE_URL;
  let pg;
  let tmp;
  if (!adminUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-soak-'));
    fs.chmodSync(tmp, 0o755);
    pg = await startEmbeddedPostgres(path.join(tmp, 'pg'));
    adminUrl = pg.adminUrl;
  }
  const name = `leads_soak_${crypto.randomBytes(4).toString('hex')}`;
  const databaseUrl = await ensureDatabase(adminUrl, name);
  let service;
  let failed = false;
  try {
    const orm = await initOrm({ databaseUrl });
    const users = [];
    for (const role of ['MANAGER', 'SALESPERSON', 'SALESPERSON']) {
      const u = await new UserService(orm.em.fork()).createUser({ name: `Soak ${role} ${users.length}`, email: `soak${users.length}@soak.example`, role });
      users.push(u.apiKey);
    }
    await orm.close(true);

    const port = await freePort();
    const { DATABASE_URL: _omit, ...env } = process.env;
    service = spawn(process.execPath, [path.join(dist, 'main.js')], {
      env: { ...env, DATABASE_URL: databaseUrl, PORT: String(port), NODE_ENV: 'production', LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve, reject) => {
      let out = '';
      service.stdout.on('data', (d) => { out += d; if (/ready at/.test(out)) resolve(); });
      service.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/graphql`;

    const counts = { read: 0, create: 0, note: 0, qualify: 0, userErrors: 0, failures: 0 };
    const latencies = [];
    const open = [];
    const gql = async (key, query, variables) => {
      const began = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
      const body = await res.json();
      latencies.push(performance.now() - began);
      if (res.status >= 500 || body.errors) {
        counts.failures++;
        if (counts.failures <= 5) process.stderr.write(`failure: ${res.status} ${JSON.stringify(body.errors)}\n`);
        return null;
      }
      return body.data;
    };
    const pick = (a) => a[Math.floor(Math.random() * a.length)];
    const ops = {
      async read(key) {
        await gql(key, '{ leads(first: 25) { totalCount nodes { id topic state owner { name } } } }');
      },
      async create(key) {
        const d = await gql(key, 'mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } userErrors { code } } }',
          { i: { topic: `Soak ${crypto.randomUUID().slice(0, 8)}`, lastName: 'Soak', companyName: `Company ${open.length % 50}`, email: `s${open.length}@soak.example` } });
        if (d?.createLead.lead) open.push(d.createLead.lead.id);
      },
      async note(key) {
        if (!open.length) return;
        const d = await gql(key, 'mutation($i: AddNoteInput!) { addNote(input: $i) { note { id } userErrors { code } } }', { i: { leadId: pick(open), text: 'Called, left a message' } });
        if (d?.addNote.userErrors.length) counts.userErrors++;
      },
      async qualify(key) {
        if (open.length < 3) return;
        const ids = open.splice(Math.floor(Math.random() * (open.length - 2)), 1 + Math.floor(Math.random() * 3));
        const d = await gql(key, 'mutation($i: QualifyLeadsInput!) { qualifyLeads(input: $i) { qualifiedCount userErrors { code } results { userErrors { code } } } }',
          { i: { leadIds: ids, currencyCode: 'USD' } });
        if (d && d.qualifyLeads.qualifiedCount !== ids.length) counts.userErrors++;
      },
    };
    const mix = ['read', 'read', 'read', 'read', 'create', 'create', 'note', 'note', 'qualify', 'qualify'];

    const samples = [];
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    const sampler = setInterval(() => samples.push({ s: Math.round((Date.now() - started) / 1000), rssMiB: rss(service.pid) }), SAMPLE_MS);
    samples.push({ s: 0, rssMiB: rss(service.pid) });
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      while (Date.now() < deadline) {
        const op = pick(mix);
        counts[op]++;
        await ops[op](users[c % users.length]);
      }
    }));
    clearInterval(sampler);
    samples.push({ s: Math.round((Date.now() - started) / 1000), rssMiB: rss(service.pid) });

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const one = async (sql) => Number((await db.query(sql)).rows[0].n);
    const invariants = {
      'leads neither OPEN without an opportunity nor QUALIFIED with exactly one': await one(`select count(*) n from lead l
        where not ((l.state = 'OPEN' and not exists (select 1 from opportunity o where o.originating_lead_id = l.id))
          or (l.state = 'QUALIFIED' and (select count(*) from opportunity o where o.originating_lead_id = l.id) = 1))`),
      'notes without their lead': await one('select count(*) n from note x where not exists (select 1 from lead l where l.id = x.lead_id)'),
      'stakeholders without lead or opportunity': await one('select count(*) n from stakeholder x where x.lead_id is null and x.opportunity_id is null'),
      'opportunities without an originating lead': await one('select count(*) n from opportunity o where o.originating_lead_id is null'),
      'leads without a CREATED audit entry': await one(`select count(*) n from lead l where not exists
        (select 1 from audit_entry a where a.entity_id = l.id and a.action = 'CREATED')`),
      'qualified leads without a QUALIFIED audit entry': await one(`select count(*) n from lead l where l.state = 'QUALIFIED' and not exists
        (select 1 from audit_entry a where a.entity_id = l.id and a.action = 'QUALIFIED')`),
    };
    const rows = (await db.query(`select (select count(*) from lead)::int leads, (select count(*) from lead where state = 'QUALIFIED')::int qualified,
      (select count(*) from note)::int notes, (select count(*) from opportunity)::int opportunities, (select count(*) from audit_entry)::int audit`)).rows[0];
    await db.end();

    latencies.sort((a, b) => a - b);
    const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1) : '-');
    const requests = latencies.length;
    const rssValues = samples.map((x) => x.rssMiB).filter((x) => x !== null);
    process.stdout.write([
      `soak: ${SECONDS} s, ${CLIENTS} clients, ${requests} requests (${(requests / SECONDS).toFixed(0)}/s), p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
      `  operations: ${JSON.stringify(counts)}`,
      `  rows: ${JSON.stringify(rows)}`,
      `  RSS (MiB) every 10 s: ${samples.map((x) => `${x.s}s=${x.rssMiB}`).join(' ')}`,
      `  RSS first/last/max: ${rssValues[0]}/${rssValues[rssValues.length - 1]}/${Math.max(...rssValues)} MiB`,
      '  invariants (violations):',
      ...Object.entries(invariants).map(([k, v]) => `    ${v === 0 ? 'ok  ' : 'FAIL'} ${k}: ${v}`),
      '',
    ].join('\n'));
    failed = counts.failures > 0 || Object.values(invariants).some((v) => v !== 0) || requests === 0;
  } finally {
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service.once('exit', r));
      service.kill('SIGTERM');
      await exited;
    }
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
    if (pg) await pg.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => { process.stderr.write(`soak failed: ${err.stack ?? err}\n`); process.exit(1); });
