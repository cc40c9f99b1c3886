// The three servers run as child processes; this starts them, waits until they answer, reads
// their CPU time and memory from /proc, and stops them.
import fs from 'node:fs';
import net from 'node:net';
import { execFileSync, spawn } from 'node:child_process';

let clockTicks;
/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try { clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { clockTicks = 100; }
  }
  return clockTicks;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is state. */
export function statFields(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU time of `pid` in milliseconds (all its threads; with `reaped`, also its waited-for children). */
export function cpuMs(pid, { reaped = false } = {}) {
  const f = statFields(pid);
  const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / ticksPerSecond();
}

/** Resident set size of `pid` in MB (VmRSS). */
export function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node args…` and keeps the last lines of its output for error messages. The child is
 * killed by the cleanup (SIGTERM, then SIGKILL) and, at the latest, when the harness exits.
 */
export function startChild(name, args, { env, cwd }, cleanup) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const keep = (chunk) => {
    tail.push(...String(chunk).split('\n').filter(Boolean).map((l) => (l.length > 600 ? `${l.slice(0, 600)}…` : l)));
    if (tail.length > 12) tail.splice(0, tail.length - 12);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  cleanup.add(`${name} (pid ${child.pid}, last resort)`, () => { if (!exited) child.kill('SIGKILL'); }, { sync: true, exitOnly: true });
  const unregister = cleanup.add(`${name} (pid ${child.pid})`, stop);
  return {
    name,
    pid: child.pid,
    output: () => tail.join('\n'),
    exited: () => exited,
    async stop() { unregister(); await stop(); },
  };
}

/** Polls `check` until it resolves true; fails with the child's output when it exits or times out. */
export async function waitUntil(child, what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (child.exited()) throw new Error(`${child.name} exited (${JSON.stringify(child.exited())}) before ${what}:\n${child.output()}`);
    try {
      if (await check()) return;
    } catch (err) {
      if (err.fatal) throw new Error(`${err.message}\nthe server's last output:\n${child.output()}`);
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name}: no ${what} within ${timeoutMs / 1000} s (${last?.message ?? 'no answer'}):\n${child.output()}`);
}
