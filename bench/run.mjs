// `npm run bench`: the service's list view against a peer (PostGraphile 5) and a floor
// (node:http + pg, one SQL statement), and qualifyLeads against a SQL floor, in one run on one
// seeded database. Prints the tables and rewrites docs/performance.md. Exits non-zero only on
// real failures (a server that does not start, answers that disagree), not on missed targets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createCleanup } from './lib/cleanup.mjs';
import { ROOT, describeMachine, migrate, seed, startDatabase, statementCounter } from './lib/db.mjs';
import { PEER_FULL_NAME_SQL, PEER_QUERY, SERVICE_QUERY, checkAgreement, nodesOf } from './lib/list.mjs';
import { findPostmaster, hammer, postgresCpuProbe, round, summarise } from './lib/load.mjs';
import { freePort, rssMb, startChild, waitUntil } from './lib/procs.mjs';
import { benchQualify, checkFloorMirrorsService } from './lib/qualify.mjs';
import { listTable, qualifyTable, ratioTable, readPrevious, renderDoc, rssTable, statementsTable, targets, targetsTable } from './lib/report.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const cfg = QUICK
  ? { warmupSeconds: 2, rounds: 2, roundSeconds: 3, rssSeconds: 20, rssEvery: 5, qualifyRuns: 3, qualifySizes: [10, 100, 1000] }
  : { warmupSeconds: 5, rounds: 3, roundSeconds: 15, rssSeconds: 60, rssEvery: 5, qualifyRuns: 5, qualifySizes: [10, 100, 1000] };
const DOC = path.join(ROOT, 'docs/performance.md');

const started = Date.now();
const log = (m) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}\n`);

async function main() {
  const cleanup = createCleanup(log);
  try {
    await bench(cleanup);
  } finally {
    await cleanup.run();
  }
}

async function bench(cleanup) {
  const db = await startDatabase(cleanup, log);
  cleanup.ownSignals();
  log(`database ${db.name} (${db.embedded ? 'embedded PostgreSQL' : 'on the server of DATABASE_URL'}): migrating and seeding`);
  const { userId, apiKey } = await migrate(db.url);
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', (err) => log(`database connection: ${err.message}`));
  await client.connect();
  cleanup.add('harness connection', () => client.end());
  await seed(client);
  await client.query(PEER_FULL_NAME_SQL);
  const { rows: [{ id: contactId }] } = await client.query(
    "insert into contact (id, last_name, created_at) values (gen_random_uuid(), 'Stakeholder', now()) returning id");
  const statements = await statementCounter(client);
  if (!statements.available) log(`SQL statements are not counted: ${statements.why}`);
  const postmaster = await findPostmaster(client);
  const postgresCpuMs = postgresCpuProbe(postmaster);
  const machine = { ...(await describeMachine(client)), database: db.embedded ? 'embedded' : 'DATABASE_URL' };
  log(`seeded; machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.cpuModel}, Node ${machine.node}, PostgreSQL ${machine.postgres}`);

  // The three servers, each a child process on a free port.
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, NODE_ENV: 'production' };
  const targetsByName = {};
  const start = async (name, args, env, ready) => {
    const port = await freePort();
    const child = startChild(name, args, { cwd: ROOT, env: { ...baseEnv, ...env, PORT: String(port) } }, cleanup);
    const target = { name, child, url: `http://127.0.0.1:${port}/graphql`, headers: { 'content-type': 'application/json' } };
    await ready(target, port);
    targetsByName[name] = target;
    return target;
  };
  const post = async (target) => {
    const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
    return { status: res.status, text: await res.text() };
  };
  // Until it listens, a server is retried; once it answers, a wrong answer is a failure.
  const answersWell = (target) => async () => {
    let answer;
    try { answer = await post(target); } catch { return false; }
    const nodes = nodesOf(target.name, answer.text);
    if (answer.status === 200 && !(nodes instanceof Error)) return true;
    if (answer.status === 503) return false; // still starting
    throw Object.assign(new Error(`${target.name} answered HTTP ${answer.status}: ${nodes instanceof Error ? nodes.message : answer.text.slice(0, 400)}`), { fatal: true });
  };
  log('starting the peer, the floor and the service');
  await start('peer', ['bench/servers/peer.mjs'], { NODE_OPTIONS: `-r ${path.join(ROOT, 'bench/servers/polyfill.cjs')}` }, async (t) => {
    t.body = JSON.stringify({ query: PEER_QUERY });
    await waitUntil(t.child, 'its first answer', answersWell(t), 120_000);
  });
  await start('floor', ['bench/servers/floor.mjs'], {}, async (t) => {
    t.body = JSON.stringify({ query: SERVICE_QUERY });
    await waitUntil(t.child, 'its first answer', answersWell(t));
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-bench-service-'));
  cleanup.add('service data folder', () => fs.rmSync(dataDir, { recursive: true, force: true }), { sync: true });
  const service = await start('service', ['server/dist/main.js'], {
    // Throttling off: the bench is one client calling far more than a key may in production.
    RATE_LIMIT_PER_MINUTE: '0', COST_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', HOST: '127.0.0.1', DB_POOL_MAX: '10', DATA_DIR: dataDir,
  }, async (t, port) => {
    t.headers = { ...t.headers, authorization: `Bearer ${apiKey}` };
    t.body = JSON.stringify({ query: SERVICE_QUERY });
    await waitUntil(t.child, '/readyz', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
    await waitUntil(t.child, 'its first answer', answersWell(t));
  });

  // The same data from all three, and during the load every answer must match its first one.
  const first = {};
  for (const t of Object.values(targetsByName)) first[t.name] = (await post(t)).text;
  const agreed = checkAgreement({ service: first.service, peer: first.peer, floor: first.floor });
  log(`the three answers agree: ${agreed.leads} leads, ${agreed.stakeholders} stakeholders, same order and values`);
  for (const t of Object.values(targetsByName)) {
    const expected = first[t.name];
    const expectedNodes = JSON.stringify(nodesOf(t.name, expected));
    t.verifyBody = (body) => body === expected || JSON.stringify(nodesOf(t.name, body)) === expectedNodes;
  }

  const order = ['peer', 'floor', 'service'].map((n) => targetsByName[n]);
  for (const t of order) {
    log(`warm-up: ${t.name} ${cfg.warmupSeconds} s`);
    await hammer(t, cfg.warmupSeconds);
  }
  const rounds = { peer: [], floor: [], service: [] };
  for (let r = 1; r <= cfg.rounds; r++) {
    for (const t of order) {
      const measured = await round(t, cfg.roundSeconds, { statements, postgresCpuMs });
      rounds[t.name].push(measured);
      log(`round ${r}/${cfg.rounds} ${t.name.padEnd(7)} ${measured.rps.toFixed(0).padStart(5)} req/s  p99 ${measured.p99} ms`
        + `  ${measured.cpuMsPerReq.toFixed(2)} CPU ms/req  ${measured.statementsPerReq?.toFixed(2) ?? 'n/a'} SQL/req`);
    }
  }
  const list = {};
  for (const t of order) list[t.name] = { ...summarise(rounds[t.name]), rssMb: rssMb(t.child.pid) };
  // What the service sends PostgreSQL for one list request: a few requests one at a time.
  await statements.reset();
  const probes = 5;
  for (let i = 0; i < probes; i++) await post(service);
  const serviceStatements = (await statements.list()).map((r) => ({ perRequest: r.calls / probes, query: r.query }));
  await targetsByName.peer.child.stop();
  await targetsByName.floor.child.stop();

  // Memory: the service alone under the same load, sampled.
  log(`memory: the service alone for ${cfg.rssSeconds} s`);
  const samples = [];
  const t0 = Date.now();
  const sampler = setInterval(() => {
    const t = Math.round((Date.now() - t0) / 1000);
    try { samples.push({ t, mb: rssMb(service.child.pid) }); } catch { /* exited: reported by the load */ }
  }, cfg.rssEvery * 1000);
  let long;
  try {
    long = await hammer(service, cfg.rssSeconds);
  } finally {
    clearInterval(sampler);
  }
  const at20 = samples.find((s) => s.t >= 20) ?? samples[0];
  const last = samples[samples.length - 1];
  const rss = {
    seconds: cfg.rssSeconds, samples, requests: long.requests.total, rps: long.requests.total / long.duration,
    at20: at20.mb, last: last.mb, peak: Math.max(...samples.map((s) => s.mb)), changePct: ((last.mb - at20.mb) / at20.mb) * 100,
  };

  // qualifyLeads against its floor.
  log('qualifyLeads: checking that the floor writes what the service writes');
  const qctx = { client, service, userId, contactId, statements };
  await checkFloorMirrorsService(qctx);
  const qualify = await benchQualify(qctx, cfg.qualifySizes, cfg.qualifyRuns, log);
  await service.child.stop();

  const targetRows = targets({ list, rss, qualify });
  const notes = { statements: statements.available, statementsWhy: statements.why, postgresCpu: postmaster != null, cores: machine.cores };
  const wallSeconds = (Date.now() - started) / 1000;
  const out = [
    '', `Targets (this run${QUICK ? ', BENCH_QUICK' : ''})`, '', targetsTable(targetRows),
    '', `List view: ${SERVICE_QUERY}`, '', listTable(list), '', ratioTable(list),
    '', 'The service\'s SQL for one list request', '', statementsTable(serviceStatements),
    '', 'Service memory under load', '', rssTable(rss),
    '', 'qualifyLeads', '', qualifyTable(qualify), '',
  ].join('\n');
  process.stdout.write(`${out}\n`);
  if (QUICK && process.env.BENCH_WRITE_DOCS !== '1') {
    log('BENCH_QUICK: docs/performance.md left as it is (BENCH_WRITE_DOCS=1 writes it anyway)');
  } else {
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    fs.writeFileSync(DOC, renderDoc({ when, quick: QUICK, wallSeconds, machine, targetRows, list, serviceStatements, rss, qualify, cfg, notes }, readPrevious(DOC)));
    log(`wrote ${path.relative(process.cwd(), DOC)}`);
  }
}

// Exit explicitly: the embedded PostgreSQL package's exit hook would otherwise decide the code.
main().then(() => {
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(0);
}, (err) => {
  process.stderr.write(`\nbench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
