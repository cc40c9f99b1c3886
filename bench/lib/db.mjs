// The bench's one database: an embedded PostgreSQL of its own in a temporary folder (or a new
// database on the server of DATABASE_URL), migrated by the service's own migrations, seeded
// with set-based SQL, and removed again at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
/** Loads the service's compiled modules (and their dependencies) from the root install. */
export const serverRequire = createRequire(path.join(ROOT, 'server/dist/main.js'));

export const SEED = { leads: 10_000, stakeholdersPerLead: 2, users: 50, accounts: 2_000 };

/**
 * Starts the database. `cleanup` is registered before anything is created so that a failure or
 * a signal at any point still removes what exists by then.
 */
export async function startDatabase(cleanup, log) {
  const name = `leads_bench_${randomBytes(4).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  let embedded = null;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = serverRequire('./db/embedded.js');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-bench-pg-'));
    fs.chmodSync(tmp, 0o755); // under root, PostgreSQL runs as an unprivileged user that must reach it
    const dataDir = path.join(tmp, 'data');
    cleanup.add('temporary PostgreSQL folder', () => fs.rmSync(tmp, { recursive: true, force: true }), { sync: true });
    // Where the cluster really is: the service may place it elsewhere when the postgres user
    // cannot reach the folder (not so here: the folder is opened to it above).
    let clusterDir = dataDir;
    // Last resort when the harness dies without running its async cleanup: stop the postmaster.
    cleanup.add('PostgreSQL (last resort)', () => killPostmaster(clusterDir), { sync: true, exitOnly: true });
    log('starting an embedded PostgreSQL');
    let db = await startEmbeddedPostgres(dataDir);
    clusterDir = db.dataDir ?? dataDir;
    if (path.resolve(clusterDir) !== path.resolve(dataDir)) {
      const made = clusterDir;
      cleanup.add('relocated PostgreSQL cluster', () => fs.rmSync(made, { recursive: true, force: true }), { sync: true });
    }
    embedded = db;
    // Bounded by the cleanup's timeout, in case PostgreSQL already went (Ctrl-C reaches it too).
    cleanup.add('embedded PostgreSQL', () => embedded.stop());
    // pg_stat_statements counts each target's statements; it must be preloaded, so restart once.
    await withClient(db.adminUrl, (c) => c.query("alter system set shared_preload_libraries = 'pg_stat_statements'"));
    await db.stop();
    embedded = db = await startEmbeddedPostgres(dataDir);
    adminUrl = db.adminUrl;
  } else {
    cleanup.add(`database ${name}`, () => withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)));
  }
  await withClient(adminUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, embedded: Boolean(embedded) };
}

function postmasterPid(dataDir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function killPostmaster(dataDir) {
  const pid = postmasterPid(dataDir);
  try { if (pid) process.kill(pid, 'SIGQUIT'); } catch { /* not running */ }
}

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs the service's migrations (initOrm migrates) and creates the bench's API user. */
export async function migrate(databaseUrl) {
  serverRequire('reflect-metadata');
  const { initOrm } = serverRequire('./db/orm.js');
  const { UserService } = serverRequire('./users/user.service.js');
  const orm = await initOrm({ databaseUrl });
  try {
    const made = await new UserService(orm.em.fork()).createUser({ name: 'Bench', email: 'bench@bench.example', role: 'ADMIN' });
    return { userId: made.id, apiKey: made.apiKey };
  } finally {
    await orm.close(true);
  }
}

/**
 * 10,000 leads, each with 2 stakeholders whose contacts belong to accounts, owned by 50 users.
 * Timestamps repeat in pairs so that every target has to break ties by id as the service does.
 */
export async function seed(client) {
  const { leads, users, accounts } = SEED;
  await client.query('begin');
  await client.query(`insert into app_user (id, name, email, role, created_at)
    select gen_random_uuid(), 'Owner ' || i, 'owner' || i || '@bench.example', 'SALESPERSON', now() - interval '30 days'
    from generate_series(1, $1) i`, [users]);
  await client.query(`insert into account (id, name, name_normalized, website, created_at)
    select gen_random_uuid(), 'Account ' || i || ' Ltd', 'account' || i || 'ltd', 'https://account' || i || '.example', now() - interval '20 days'
    from generate_series(1, $1) i`, [accounts]);
  await client.query(`create temporary table bench_contact_n on commit drop as
    select i, gen_random_uuid() as id from generate_series(1, $1 * 2) i`, [leads]);
  await client.query(`insert into contact (id, first_name, last_name, email, job_title, account_id, created_at)
    select n.id, case when n.i % 7 = 0 then null else 'First' || n.i end, 'Last' || n.i, 'contact' || n.i || '@bench.example',
      'Buyer', a.id, now() - interval '10 days'
    from bench_contact_n n
    join (select id, row_number() over (order by name) as k from account) a on a.k = 1 + n.i % $1`, [accounts]);
  await client.query(`create temporary table bench_lead_n on commit drop as
    select i, gen_random_uuid() as id, now() - ((i + 1) / 2) * interval '1 second' as created_at from generate_series(1, $1) i`, [leads]);
  await client.query(`insert into lead (id, topic, first_name, last_name, company_name, email, budget_amount, budget_currency_code,
      owner_id, created_by_id, created_at, updated_at)
    select n.id, 'Lead topic ' || n.i, 'Lead', 'Person' || n.i, 'Company ' || n.i, 'lead' || n.i || '@bench.example',
      1000 + n.i, 'EUR', u.id, u.id, n.created_at, n.created_at
    from bench_lead_n n
    join (select id, row_number() over (order by email) as k from app_user where email like 'owner%@bench.example') u on u.k = 1 + n.i % $1`, [users]);
  await client.query(`insert into stakeholder (id, lead_id, contact_id, role, created_at)
    select gen_random_uuid(), l.id, c.id,
      (array['STAKEHOLDER','CHAMPION','DECISION_MAKER','END_USER','ECONOMIC_BUYER','INFLUENCER','TECHNICAL_BUYER'])[1 + (c.i % 7)],
      l.created_at + case when l.i % 2 = 0 then interval '0' else (c.i % 2) * interval '1 minute' end
    from bench_lead_n l join bench_contact_n c on (c.i + 1) / 2 = l.i`);
  await client.query('commit');
  await client.query('analyze');
}

/** Statement counting: pg_stat_statements of the bench database, when the server has it. */
export async function statementCounter(client) {
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
    await client.query('select count(*) from pg_stat_statements');
  } catch (err) {
    return { available: false, why: err.message, reset: async () => undefined, read: async () => null, list: async () => [] };
  }
  const { rows: [{ oid }] } = await client.query('select oid from pg_database where datname = current_database()');
  return {
    available: true,
    reset: () => client.query('select pg_stat_statements_reset()'),
    /** Calls since the last reset, without the harness's own statements about the counter. */
    async read() {
      const { rows: [r] } = await client.query(`select
          coalesce(sum(calls), 0)::int as total,
          coalesce(sum(calls) filter (where query ~* '^\\s*(begin|commit|rollback|start transaction|savepoint|release)'), 0)::int as tx
        from pg_stat_statements
        where dbid = $1 and query not like '%pg_stat_statements%'`, [oid]);
      return { total: r.total, tx: r.tx, data: r.total - r.tx };
    },
    /** The statements since the last reset, most called first, as pg_stat_statements shows them. */
    async list() {
      const { rows } = await client.query(`select calls::int, regexp_replace(query, '\\s+', ' ', 'g') as query from pg_stat_statements
        where dbid = $1 and query not like '%pg_stat_statements%' order by calls desc, query`, [oid]);
      return rows;
    },
  };
}

export async function describeMachine(client) {
  const cpus = os.cpus();
  const { rows: [v] } = await client.query("select current_setting('server_version') as version");
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    postgres: v.version,
    os: `${os.type()} ${os.release()}`,
  };
}
