import { Client } from 'pg';
import { Role } from '../server/src/common/enums';
import { post, serviceDatabase, startService, stopService, type Service } from './support/service';

/**
 * Two service processes on one database are one service: the per-key throttle counts their
 * requests together (its counters are in PostgreSQL), and an Idempotency-Key sent to both runs
 * the mutation once (claims and the waiting for them are rows, not a per-process map).
 */
let services: Service[] = [];
let databaseUrl: string;
let users: { id: string; key: string }[];
beforeAll(async () => {
  ({ databaseUrl, users } = await serviceDatabase('replicas', [Role.MANAGER, Role.MANAGER]));
  const env = { RATE_LIMIT_PER_MINUTE: '10', COST_LIMIT_PER_MINUTE: '0' };
  services = await Promise.all([startService(databaseUrl, env), startService(databaseUrl, env)]);
}, 120_000);
afterAll(async () => {
  expect(await Promise.all(services.map(stopService))).toEqual([0, 0]);
});

test('the per-key limit holds across both processes', async () => {
  const [a, b] = services;
  const statuses: number[] = [];
  for (let i = 0; i < 14; i++) {
    statuses.push((await post((i % 2 ? b : a).url, users[0].key, '{ me { id } }')).status);
  }
  // 10 a minute for the key, whichever process answers: 7 each would pass per-process counters.
  expect(statuses.filter((c) => c === 200)).toHaveLength(10);
  expect(statuses.filter((c) => c === 429)).toHaveLength(4);
});

test('one Idempotency-Key sent to both processes at once runs the mutation once', async () => {
  const [a, b] = services;
  const query = 'mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id topic } userErrors { code } } }';
  const input = { topic: 'Once across replicas', lastName: 'R' };
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    post((i % 2 ? b : a).url, users[1].key, query, { input }, { 'idempotency-key': 'replicas-key' })));
  expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
  const ids = new Set(answers.map((r) => r.body.data?.createLead.lead.id));
  expect(ids.size).toBe(1);
  expect(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    expect((await db.query("select count(*)::int n from lead where topic = 'Once across replicas'")).rows[0].n).toBe(1);
  } finally {
    await db.end();
  }
});
