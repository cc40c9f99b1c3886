// The tables `npm run bench` prints and writes to docs/performance.md.
import fs from 'node:fs';
import { CONNECTIONS } from './load.mjs';
import { SERVICE_QUERY } from './list.mjs';
import { SEED } from './db.mjs';

const f1 = (x) => (x == null ? 'n/a' : x.toFixed(1));
const f2 = (x) => (x == null ? 'n/a' : x.toFixed(2));
const ratio = (x) => (x == null || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(2)}×`);

const LESSONS_START = '<!-- lessons:start (kept by `npm run bench`; edit freely) -->';
const LESSONS_END = '<!-- lessons:end -->';
const DEFAULT_LESSONS = `## What the profile taught

The harness measures the service from the outside — throughput, latency, the CPU time and
memory of its process, the SQL it sends — next to a peer and a floor that answer the same query
from the same database in the same run; it does not say where the time goes inside the service.
For that, profile the service the way the bench runs it: start it with \`NODE_ENV=production
RATE_LIMIT_PER_MINUTE=0 LOG_LEVEL=warn node --cpu-prof --cpu-prof-dir=prof server/dist/main.js\`
(and \`DATABASE_URL\` set to a database seeded like the bench's), load it with the list query
above (\`bench/node_modules/.bin/autocannon -c 10 -d 20 -m POST\` with the JSON body and an
\`Authorization: Bearer\` header), stop it with Ctrl-C and open the \`.cpuprofile\` it wrote in
Chrome DevTools or speedscope. Profile in production mode: development mode logs and checks more
and shows a different picture.`;

export function machineTable(m) {
  return [
    '| cores | memory | CPU | Node | PostgreSQL | OS |',
    '|---:|---:|:--|:--|:--|:--|',
    `| ${m.cores} | ${m.memoryGiB} GiB | ${m.cpuModel} | ${m.node} | ${m.postgres} (${m.database}) | ${m.os} |`,
  ].join('\n');
}

export function listTable(summaries) {
  const rows = ['peer', 'floor', 'service'].filter((t) => summaries[t]).map((t) => {
    const s = summaries[t];
    return `| ${t} | ${f1(s.rps)} | ${f1(s.rpsMin)}–${f1(s.rpsMax)} | ${f1(s.p50)} | ${f1(s.p99)} | ${f2(s.cpuMsPerReq)} | ${f2(s.pgCpuMsPerReq)} | `
      + `${f2(s.statementsPerReq)} | ${f1(s.rssMb)} | ${s.requests} |`;
  });
  return [
    '| target | req/s | req/s per round (min–max) | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL statements/req | RSS MB | requests |',
    '|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
}

export function ratioTable(s) {
  const r = (a, b, key, invert = false) => (s[a] && s[b] ? ratio(invert ? s[b][key] / s[a][key] : s[a][key] / s[b][key]) : 'n/a');
  return [
    '| ratio | req/s | p99 latency | server CPU per request |',
    '|:--|--:|--:|--:|',
    `| service / peer | ${r('service', 'peer', 'rps')} | ${r('service', 'peer', 'p99')} | ${r('service', 'peer', 'cpuMsPerReq')} |`,
    `| service / floor | ${r('service', 'floor', 'rps')} | ${r('service', 'floor', 'p99')} | ${r('service', 'floor', 'cpuMsPerReq')} |`,
  ].join('\n');
}

export function statementsTable(rows) {
  if (!rows.length) return 'Not counted (pg_stat_statements is not available).';
  // IN lists are shortened to their bounds, long statements to their two ends.
  const clip = (q) => {
    let t = q.replace(/\(\$(\d+)(?:, \$\d+){3,}, \$(\d+)\)/g, '($$$1, …, $$$2)');
    if (t.length > 360) t = `${t.slice(0, 170)} … ${t.slice(-170)}`;
    return t.replace(/\|/g, '\\|');
  };
  return [
    '| per request | statement (as pg_stat_statements normalises it) |',
    '|--:|:--|',
    ...rows.map((r) => `| ${Number.isInteger(r.perRequest) ? r.perRequest : r.perRequest.toFixed(2)} | \`${clip(r.query)}\` |`),
  ].join('\n');
}

export function rssTable(rss) {
  return [
    `| t (s) | ${rss.samples.map((x) => x.t).join(' | ')} |`,
    `|:--|${rss.samples.map(() => '--:').join('|')}|`,
    `| RSS MB | ${rss.samples.map((x) => f1(x.mb)).join(' | ')} |`,
  ].join('\n') + `\n\n${rss.requests} requests (${f1(rss.rps)} req/s) in ${rss.seconds} s; flat means the last sample is within 10% of the one at 20 s: `
    + `${f1(rss.at20)} → ${f1(rss.last)} MB (${rss.changePct >= 0 ? '+' : ''}${f1(rss.changePct)}%), peak ${f1(rss.peak)} MB.`;
}

const countsText = (xs) => (xs.length ? xs.map((x) => (x == null ? 'n/a' : x)).join(' / ') : '—');

export function qualifyTable(rows) {
  return [
    '| leads | service median ms | ms per lead | SQL statements (data) | floor median ms | floor statements | service / floor | one request per lead: median ms (statements) | runs |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map((r) => `| ${r.leads} | ${f1(r.serviceMs)} | ${f2(r.serviceMs / r.leads)} | ${countsText(r.serviceStatements)} (${countsText(r.serviceDataStatements)}) | `
      + `${f1(r.floorMs)} | ${countsText(r.floorStatements)} | ${ratio(r.serviceMs / r.floorMs)} | `
      + `${r.perLeadMs == null ? '—' : `${f1(r.perLeadMs)} (${countsText(r.perLeadStatements)})`} | ${r.runs} |`),
  ].join('\n');
}

/** The binding targets, each with its measured value from this run. */
export function targets({ list, rss, qualify }) {
  const s = list.service;
  const vsPeer = list.peer ? s.rps / list.peer.rps : null;
  const vsFloor = list.floor ? s.rps / list.floor.rps : null;
  const q1000 = qualify.find((r) => r.leads === 1000);
  const qRatio = q1000 ? q1000.serviceMs / q1000.floorMs : null;
  // Per size, the fewest statements a run took (a run may add one when, say, a cache is cold):
  // the count must not grow from 10 leads to 1000.
  const fewest = qualify.map((r) => (r.serviceStatements.includes(null) ? null : Math.min(...r.serviceStatements)));
  const grows = fewest.includes(null) ? null : fewest.some((x) => x > fewest[0]);
  const met = (ok) => (ok == null ? 'n/a' : ok ? 'met' : 'NOT met');
  return [
    { target: 'list throughput vs peer (PostGraphile)', goal: '≥ 1.0× (longer goal 1.5×)', measured: ratio(vsPeer),
      met: met(vsPeer == null ? null : vsPeer >= 1), note: vsPeer != null && vsPeer >= 1 && vsPeer < 1.5 ? 'longer goal not yet' : '' },
    { target: 'list throughput vs floor (node:http + pg)', goal: '≥ 0.45×', measured: ratio(vsFloor), met: met(vsFloor == null ? null : vsFloor >= 0.45) },
    { target: `list p99 latency at ${CONNECTIONS} connections`, goal: '≤ 50 ms', measured: `${f1(s.p99)} ms`, met: met(s.p99 <= 50) },
    { target: 'list SQL statements per request', goal: '≤ 6', measured: f2(s.statementsPerReq),
      met: met(s.statementsPerReq == null ? null : s.statementsPerReq <= 6) },
    { target: 'qualifyLeads(1000) vs its SQL floor', goal: '≤ 3×', measured: ratio(qRatio), met: met(qRatio == null ? null : qRatio <= 3) },
    { target: 'qualifyLeads statements per request as the lead count grows', goal: 'no growth from 10 to 1000 leads',
      measured: qualify.map((r) => `${r.leads}: ${countsText(r.serviceStatements)}`).join(', '), met: met(grows == null ? null : !grows) },
    { target: `service RSS over a ${rss.seconds} s run`, goal: '≤ 250 MB and flat (±10% from 20 s on)',
      measured: `peak ${f1(rss.peak)} MB, ${rss.changePct >= 0 ? '+' : ''}${f1(rss.changePct)}% from 20 s`, met: met(rss.peak <= 250 && Math.abs(rss.changePct) <= 10) },
  ];
}

export function targetsTable(rows) {
  return [
    '| target | goal | measured | |',
    '|:--|:--|--:|:--|',
    ...rows.map((t) => `| ${t.target} | ${t.goal} | ${t.measured} | ${t.met}${t.note ? ` (${t.note})` : ''} |`),
  ].join('\n');
}

export function methodText(cfg, notes) {
  return `- One database for everything: ${SEED.leads.toLocaleString('en')} leads, ${SEED.stakeholdersPerLead} stakeholders each (${(SEED.leads * SEED.stakeholdersPerLead).toLocaleString('en')} contacts, in ${SEED.accounts.toLocaleString('en')} accounts), owners among ${SEED.users} users, then \`ANALYZE\`; the schema comes from the service's own migrations. Timestamps repeat in pairs, so every target must break ties by id.
- The list query, in the service's form: \`${SERVICE_QUERY}\`. The peer is PostGraphile 5 (amber preset, production mode, no GraphiQL / watch / explain) answering \`allLeads(first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { … } }\` on the same tables (its index-based ordering restriction is off so that stakeholders can be ordered by created_at as the service does, and Contact.fullName is a SQL computed column added to the bench database). The floor is \`node:http\` + \`pg\` (pool of 10) running one hand-written SQL statement that builds the same JSON (\`json_build_object\` / \`json_agg\`). The service runs as \`node server/dist/main.js\` with \`NODE_ENV=production\`, throttling off (\`RATE_LIMIT_PER_MINUTE=0\`, \`COST_LIMIT_PER_MINUTE=0\`), \`LOG_LEVEL=warn\` and its default pool of 10, authenticated with an ADMIN API key. Before any load, one answer of each is checked to hold the same 50 leads in the same order with the same nested values; during the load every answer is checked against it.
- Each target is a child process loaded by autocannon (in the harness's process) at ${CONNECTIONS} connections: a ${cfg.warmupSeconds} s warm-up each, then ${cfg.rounds} rounds of ${cfg.roundSeconds} s interleaved peer, floor, service. req/s is all requests over all rounds; p50 / p99 are the medians of the rounds'. Server CPU is utime + stime of the server's process from \`/proc/<pid>/stat\` before and after each round, per request; PostgreSQL CPU the same for the postmaster and its backends${notes.postgresCpu ? '' : ' (not available: the server is not on this machine)'}. SQL statements are the calls counted by \`pg_stat_statements\` in the bench database during the round (transaction control included). autocannon stops with requests in flight that the server still finishes, so CPU and statements are read once the server is quiet again and divided by the requests sent${notes.statements ? '' : ` (not available here: ${notes.statementsWhy})`}. RSS is VmRSS from \`/proc/<pid>/status\` after the rounds.
- Memory: the service alone under the same load for ${cfg.rssSeconds} s, RSS sampled every ${cfg.rssEvery} s.
- qualifyLeads: fresh leads for every run (company, email, budget in EUR converted to USD, one stakeholder), qualified in one request (\`currencyCode: "USD"\`, default options) against a floor that makes the same writes in one transaction with set-based SQL: lock the leads in id order, the duplicate-key advisory locks, then one statement that finds duplicates and inserts accounts, contacts, opportunities and stakeholder copies, qualifies the leads (links, version + 1) and writes the audit entries. Before timing, 10 leads qualified each way are compared record by record. ${cfg.qualifyRuns} runs per size, interleaved, medians; the floor's time is its transaction from the harness, the service's the HTTP request.
- Everything shares ${notes.cores} cores: the load generator, the server under test and PostgreSQL. Figures from one machine compare targets with each other, not with figures from another machine.`;
}

export function renderDoc({ when, quick, wallSeconds, machine, targetRows, list, serviceStatements, rss, qualify, cfg, notes }, previous) {
  let lessons = `${LESSONS_START}\n${DEFAULT_LESSONS}\n${LESSONS_END}`;
  if (previous) {
    const a = previous.indexOf(LESSONS_START);
    const b = previous.indexOf(LESSONS_END);
    if (a >= 0 && b > a) lessons = previous.slice(a, b + LESSONS_END.length);
  }
  return `# Performance

<!-- Written by \`npm run bench\` (bench/run.mjs). Everything but the "What the profile taught"
     section between the lessons markers is rewritten on every run. -->

Measured by \`npm run bench\` on ${when}${quick ? ' (BENCH_QUICK: short rounds, not for comparison)' : ''}; the harness ran ${Math.round(wallSeconds)} s after the install and build.

## Machine

${machineTable(machine)}

## Targets

${targetsTable(targetRows)}

## List view: service, peer, floor

${listTable(list)}

${ratioTable(list)}

What the service sends PostgreSQL for one list request:

${statementsTable(serviceStatements)}

## Memory under load

${rssTable(rss)}

## qualifyLeads

${qualifyTable(qualify)}

## How it is measured

${methodText(cfg, notes)}

${lessons}
`;
}

export function readPrevious(file) {
  try { return fs.readFileSync(file, 'utf8'); } catch { return null; }
}
