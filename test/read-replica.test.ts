import { Client } from 'pg';
import { Role } from '../server/src/common/enums';
import { readRows } from '../server/src/common/sql';
import { loadConfig } from '../server/src/config';
import { ensureDatabase } from '../server/src/db/database';
import { initOrm } from '../server/src/db/orm';
import { replicaFailed, type ReadConnection } from '../server/src/db/replicas';
import { UserService } from '../server/src/users/user.service';
import { post, startService, stopService, type Service } from './support/service';
import { startStreamingPair, type StreamingPair } from './support/streaming-replica';

/**
 * The service on a primary and a real streaming replica of it (made from a base backup with the
 * embedded package's PostgreSQL). Pausing the replica's replay makes it a snapshot of the past:
 * a read that sees the old data came from the replica, one that sees the new data from the primary.
 */
const READ_AFTER_WRITE_MS = 4000;
const LEAD = 'query($id: ID!) { lead(id: $id) { id topic } }';

let pair: StreamingPair | undefined;
let service: Service | undefined;
let db: Client;
type User = { id: string; key: string; keyId: string };
let users: Record<'setup' | 'writer' | 'reader' | 'revoked', User>;
let leadId: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const base = () => service!.url.replace(/\/graphql$/, '');

async function topicOf(as: User, id: string): Promise<string | null> {
  const r = await post(service!.url, as.key, LEAD, { id });
  expect(r.status).toBe(200);
  expect(r.body.errors).toBeUndefined();
  return r.body.data.lead?.topic ?? null;
}

/** Runs `body` with the replica's replay paused, resuming it whatever happens and waiting until it caught up. */
async function withReplayPaused(body: () => Promise<void>): Promise<void> {
  await pair!.pauseReplay();
  try {
    await body();
  } finally {
    await pair!.resumeReplay();
  }
  await pair!.caughtUp();
}

beforeAll(async () => {
  pair = await startStreamingPair(async (adminUrl) => {
    const url = await ensureDatabase(adminUrl, 'leads');
    const orm = await initOrm({ databaseUrl: url });
    try {
      const made: Partial<typeof users> = {};
      for (const name of ['setup', 'writer', 'reader', 'revoked'] as const) {
        const u = await new UserService(orm.em.fork()).createUser({ name, email: `${name}@replica.example`, role: Role.MANAGER });
        made[name] = { id: u.id, key: u.apiKey, keyId: u.keyId };
      }
      users = made as typeof users;
    } finally {
      await orm.close(true);
    }
  });
  db = new Client({ connectionString: pair.primaryUrl('leads') });
  await db.connect();
  service = await startService(pair.primaryUrl('leads'), {
    DATABASE_REPLICA_URLS: pair.replicaUrl('leads'),
    REPLICA_READ_AFTER_WRITE_MS: String(READ_AFTER_WRITE_MS),
    // Every request looks its key up, so that where the lookup reads from shows.
    API_KEY_CACHE_MS: '0',
  });
  const created = await post(service.url, users.setup.key,
    'mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } userErrors { code } } }',
    { input: { topic: 'Seeded', lastName: 'Replica' } });
  expect(created.body.data?.createLead.userErrors).toEqual([]);
  leadId = created.body.data.createLead.lead.id;
  await pair.caughtUp();
}, 180_000);

afterAll(async () => {
  if (service) await stopService(service);
  await db?.end().catch(() => undefined);
  await pair?.destroy();
}, 60_000);

test('DATABASE_REPLICA_URLS and REPLICA_READ_AFTER_WRITE_MS are checked at start', () => {
  const primary = 'postgres://u:p@db.example:5432/leads';
  expect(loadConfig({ DATABASE_URL: primary })).toMatchObject({ databaseReplicaUrls: [], replicaReadAfterWriteMs: 5000 });
  expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: ' postgres://u:p@r1.example/leads, postgresql://u:p@r2.example:5433/leads ', REPLICA_READ_AFTER_WRITE_MS: '0' }))
    .toMatchObject({ databaseReplicaUrls: ['postgres://u:p@r1.example/leads', 'postgresql://u:p@r2.example:5433/leads'], replicaReadAfterWriteMs: 0 });
  // The message names the variable and never shows a password.
  expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'mysql://u:secret@r1.example/leads' }))
    .toThrow(/DATABASE_REPLICA_URLS: "mysql:\/\/u:\*\*\*\*\*@r1.example\/leads" is not a postgres/);
  expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://u:p@r1.example/leads' })).toThrow(/DATABASE_REPLICA_URLS: needs DATABASE_URL/);
  expect(() => loadConfig({ DATABASE_URL: primary, REPLICA_READ_AFTER_WRITE_MS: '-1' })).toThrow(/REPLICA_READ_AFTER_WRITE_MS/);
});

test('which failures of a replica leave the read to the primary', () => {
  const em = {} as Parameters<typeof replicaFailed>[0];
  const replica = {} as ReadConnection;
  const failure = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
  // Unreachable, refusing, shutting down, refusing the login, no such database: the replica's fault.
  for (const code of ['ECONNREFUSED', '57P01', '57P03', '08006', '28P01', '3D000']) expect([code, replicaFailed(em, replica, failure(code))]).toEqual([code, true]);
  // Wrapped as the ORM wraps it.
  expect(replicaFailed(em, replica, Object.assign(new Error('wrapped'), { previous: failure('ECONNRESET') }))).toBe(true);
  // A read cancelled in a conflict with recovery: the primary has no such conflict.
  expect(replicaFailed(em, replica, failure('40001', 'canceling statement due to conflict with recovery'))).toBe(true);
  // A statement or lock timeout would be met on the primary too; a bad statement is a bug: neither runs again.
  for (const code of ['57014', '55P03', '42601', '42P01']) expect([code, replicaFailed(em, replica, failure(code))]).toEqual([code, false]);
});

test('the replica streams from the primary, and its connections have the bounds of the primary\'s', async () => {
  const [standby] = await pair!.onReplica<{ recovering: boolean; status: string }>('postgres',
    'select pg_is_in_recovery() recovering, (select status from pg_stat_wal_receiver) status');
  expect(standby).toEqual({ recovering: true, status: 'streaming' });

  const orm = await initOrm({
    databaseUrl: pair!.primaryUrl('leads'), replicaUrls: [pair!.replicaUrl('leads')],
    timeouts: { acquireTimeoutMs: 4000, statementTimeoutMs: 12_345, lockTimeoutMs: 2345, idleInTransactionTimeoutMs: 34_567 },
  });
  try {
    const settings = "select pg_is_in_recovery() recovering, current_setting('statement_timeout') s, current_setting('lock_timeout') l, current_setting('idle_in_transaction_session_timeout') i";
    const read = (await orm.em.getKnex('read').raw(settings)).rows[0];
    expect(read).toEqual({ recovering: true, s: '12345ms', l: '2345ms', i: '34567ms' });
    // Outside a GraphQL query nothing is routed to a replica: readRows reads from the primary.
    expect(await readRows(orm.em.fork(), settings)).toEqual([{ recovering: false, s: '12345ms', l: '2345ms', i: '34567ms' }]);
  } finally {
    await orm.close(true);
  }
});

test('a query reads from the replica, and a write on the primary shows there once replayed', async () => {
  await withReplayPaused(async () => {
    await db.query('update lead set topic = $1 where id = $2', ['Changed on the primary', leadId]);
    // The replica has not replayed the change: this answer came from it.
    expect(await topicOf(users.reader, leadId)).toBe('Seeded');
    const list = await post(service!.url, users.reader.key, '{ leads(first: 10) { totalCount nodes { id topic } } }');
    expect(list.status).toBe(200);
    expect(list.body.data.leads.nodes).toEqual([{ id: leadId, topic: 'Seeded' }]);
  });
  expect(await topicOf(users.reader, leadId)).toBe('Changed on the primary');
});

test('a mutation reads and writes on the primary', async () => {
  await withReplayPaused(async () => {
    await db.query('update lead set topic = $1 where id = $2', ['Only on the primary', leadId]);
    const r = await post(service!.url, users.writer.key,
      'mutation($input: UpdateLeadInput!) { updateLead(input: $input) { lead { topic description } userErrors { code } } }',
      { input: { id: leadId, description: 'Written by a mutation' } });
    expect(r.status).toBe(200);
    // The lead it loaded and the payload it answered with are the primary's (the replica still has the old topic).
    expect(r.body.data.updateLead).toEqual({ lead: { topic: 'Only on the primary', description: 'Written by a mutation' }, userErrors: [] });
    expect((await db.query('select description from lead where id = $1', [leadId])).rows[0].description).toBe('Written by a mutation');
    expect((await pair!.onReplica('leads', 'select topic, description from lead where id = $1', [leadId]))[0])
      .toEqual({ topic: 'Changed on the primary', description: null });
  });
});

test('a caller reads its own write at once; others, and the caller after the window, read the replica', async () => {
  // The writer's earlier mutation must not be what keeps it on the primary here.
  await sleep(READ_AFTER_WRITE_MS + 500);
  await withReplayPaused(async () => {
    const r = await post(service!.url, users.writer.key,
      'mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id topic } userErrors { code } } }',
      { input: { topic: 'Mine at once', lastName: 'Writer' } });
    const wrote = Date.now();
    expect(r.body.data.createLead.userErrors).toEqual([]);
    const id = r.body.data.createLead.lead.id as string;
    expect(r.body.data.createLead.lead.topic).toBe('Mine at once');
    expect(await topicOf(users.writer, id)).toBe('Mine at once');
    expect(Date.now() - wrote).toBeLessThan(READ_AFTER_WRITE_MS);
    expect(await topicOf(users.reader, id)).toBeNull();
    await sleep(wrote + READ_AFTER_WRITE_MS + 500 - Date.now());
    expect(await topicOf(users.writer, id)).toBeNull();
  });
  const [{ id }] = (await db.query("select id from lead where topic = 'Mine at once'")).rows;
  expect(await topicOf(users.reader, id)).toBe('Mine at once');
}, 60_000);

test('API keys are looked up on the primary: a key revoked there is refused at once', async () => {
  expect((await post(service!.url, users.revoked.key, '{ me { id } }')).status).toBe(200);
  await withReplayPaused(async () => {
    await db.query('update api_key set revoked_at = now() where id = $1', [users.revoked.keyId]);
    const r = await post(service!.url, users.revoked.key, '{ me { id } }');
    expect(r.status).toBe(401);
    // On the replica the key is still live: the lookup did not read there.
    expect(await pair!.onReplica('leads', 'select revoked_at from api_key where id = $1', [users.revoked.keyId])).toEqual([{ revoked_at: null }]);
  });
});

test('/readyz reports the replica', async () => {
  const r = await fetch(`${base()}/readyz`);
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ status: 'ok', replicas: ['ok'] });
});

test('with the replica stopped, queries read from the primary and the service stays ready; it is used again once back', async () => {
  await pair!.stopReplica();
  await db.query('update lead set topic = $1 where id = $2', ['While the replica was down', leadId]);
  expect(await topicOf(users.reader, leadId)).toBe('While the replica was down');
  const list = await post(service!.url, users.reader.key, '{ leads(first: 10) { totalCount nodes { id } } }');
  expect(list.status).toBe(200);
  expect(list.body.data.leads.totalCount).toBe(2);
  const ready = await fetch(`${base()}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ok', replicas: ['unavailable'] });

  await pair!.startReplica();
  await pair!.caughtUp();
  // The readiness check finds it back, and reads go to it again.
  const deadline = Date.now() + 20_000;
  let replicas: string[] = [];
  while (Date.now() < deadline) {
    replicas = (await (await fetch(`${base()}/readyz`)).json()).replicas;
    if (replicas[0] === 'ok') break;
    await sleep(250);
  }
  expect(replicas).toEqual(['ok']);
  await withReplayPaused(async () => {
    await db.query('update lead set topic = $1 where id = $2', ['After the replica came back', leadId]);
    expect(await topicOf(users.reader, leadId)).toBe('While the replica was down');
  });
  expect(await topicOf(users.reader, leadId)).toBe('After the replica came back');
}, 60_000);

test('a stop closes the replica\'s pool too', async () => {
  const clients = async () => (await pair!.onReplica<{ n: number }>('postgres',
    "select count(*)::int n from pg_stat_activity where datname = 'leads' and backend_type = 'client backend'"))[0].n;
  expect(await clients()).toBeGreaterThan(0);
  expect(await stopService(service!)).toBe(0);
  const deadline = Date.now() + 10_000;
  while (await clients() > 0 && Date.now() < deadline) await sleep(100);
  expect(await clients()).toBe(0);
});
