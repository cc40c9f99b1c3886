// Load rounds with autocannon, and what each round costs: the server's CPU time (from /proc),
// PostgreSQL's CPU time (its processes, when the server is on this machine) and the SQL
// statements (pg_stat_statements).
import fs from 'node:fs';
import autocannon from 'autocannon';
import { cpuMs, statFields } from './procs.mjs';

export const CONNECTIONS = 10;

/** One autocannon run against `target`; any failed or wrong answer makes it throw. */
export async function hammer(target, seconds) {
  let wrong = null;
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: target.headers,
    body: target.body,
    // Every answer is checked against the one checked before loading (same bytes, or same data).
    verifyBody: (body) => {
      const ok = target.verifyBody(body);
      if (!ok) wrong ??= body;
      return ok;
    },
  });
  const bad = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (bad) {
    const codes = Object.entries(result.statusCodeStats).map(([code, { count }]) => `${count} × HTTP ${code}`).join(', ');
    throw new Error(`${target.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches} wrong answers `
      + `in ${result.requests.total} requests (${codes}); the first wrong answer: ${String(wrong).slice(0, 400)}\n`
      + `the server's last output:\n${target.child.output()}`);
  }
  return result;
}

/**
 * A measured round. autocannon stops with requests still in flight, which the server finishes
 * anyway; so CPU time and statements are read once the server has gone quiet and divided by
 * the requests sent, while throughput and latency are those of the completed requests.
 */
export async function round(target, seconds, { statements, postgresCpuMs }) {
  await quiet(target.child.pid);
  await statements.reset();
  const pg0 = postgresCpuMs();
  const cpu0 = cpuMs(target.child.pid);
  const result = await hammer(target, seconds);
  const cpu1 = await quiet(target.child.pid);
  const pg1 = postgresCpuMs();
  const counted = await statements.read();
  const sent = result.requests.sent;
  return {
    requests: result.requests.total,
    sent,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerReq: (cpu1 - cpu0) / sent,
    pgCpuMsPerReq: pg0 == null || pg1 == null ? null : (pg1 - pg0) / sent,
    statementsPerReq: counted ? counted.total / sent : null,
  };
}

/** Waits until `pid` has used no CPU for 200 ms (at most 5 s); returns its CPU time then. */
async function quiet(pid) {
  let last = cpuMs(pid);
  let still = 0;
  for (let i = 0; i < 50 && still < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = cpuMs(pid);
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * CPU time of a PostgreSQL server on this machine: the postmaster, its live children and the
 * children it has reaped. Null when the server's processes are not visible here.
 */
export function postgresCpuProbe(postmasterPid) {
  if (!postmasterPid) return () => null;
  return () => {
    try {
      let total = cpuMs(postmasterPid, { reaped: true });
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          if (Number(statFields(entry)[1]) === postmasterPid) total += cpuMs(entry);
        } catch { /* exited meanwhile */ }
      }
      return total;
    } catch {
      return null;
    }
  };
}

/** The postmaster's pid, found from one of its backends when the server runs on this machine. */
export async function findPostmaster(client) {
  try {
    const { rows: [{ pid }] } = await client.query('select pg_backend_pid() as pid');
    if (!fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes('(postgres)')) return null;
    const ppid = Number(statFields(pid)[1]);
    return fs.readFileSync(`/proc/${ppid}/stat`, 'utf8').includes('(postgres)') ? ppid : null;
  } catch {
    return null;
  }
}

export const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Rounds of one target folded into its figures: throughput over all rounds, medians of the rest. */
export function summarise(rounds) {
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const sent = rounds.reduce((n, r) => n + r.sent, 0);
  return {
    rounds: rounds.length,
    requests,
    rps: requests / seconds,
    rpsMin: Math.min(...rounds.map((r) => r.rps)),
    rpsMax: Math.max(...rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuMsPerReq: rounds.reduce((n, r) => n + r.cpuMsPerReq * r.sent, 0) / sent,
    pgCpuMsPerReq: rounds.some((r) => r.pgCpuMsPerReq == null) ? null : rounds.reduce((n, r) => n + r.pgCpuMsPerReq * r.sent, 0) / sent,
    statementsPerReq: rounds.some((r) => r.statementsPerReq == null) ? null : rounds.reduce((n, r) => n + r.statementsPerReq * r.sent, 0) / sent,
  };
}
