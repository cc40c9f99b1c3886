import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../server/src/db/database';
import { initOrm } from '../server/src/db/orm';
import { migrationsList } from '../server/src/db/migrations';

/**
 * Ten replicas starting at once on a fresh database: each runs the migrations on start, and an
 * advisory lock lets one migrate while the others wait and then find nothing to do.
 */
test('several services migrating one fresh database at once: all start, each migration runs once', async () => {
  const name = `leads_${process.env.LEADS_TEST_RUN_ID}_migrate_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await ensureDatabase(process.env.LEADS_TEST_ADMIN_URL!, name);
  const started = await Promise.allSettled(Array.from({ length: 6 }, () => initOrm({ databaseUrl, poolMax: 2 })));
  try {
    expect(started.map((r) => r.status === 'rejected' ? String(r.reason).split('\n')[0] : 'ok')).toEqual(Array(6).fill('ok'));
  } finally {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.close(true) : undefined)));
  }
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ name: string; n: number }>('select name, count(*)::int n from mikro_orm_migrations group by name order by name');
    expect(rows).toEqual(migrationsList.map((m) => ({ name: m.name, n: 1 })).sort((a, b) => a.name.localeCompare(b.name)));
  } finally {
    await db.end();
  }
}, 120_000);
