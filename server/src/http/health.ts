import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import type { Logger } from 'pino';
import { RETRY_AFTER_SECONDS } from '../db/faults';
import { checkReplica, replicaConnections } from '../db/replicas';

export const HEALTH_PATHS = ['/healthz', '/readyz'];

/** The connection pool's figures (tarn, under knex): in use, idle, requests waiting for one. */
export function poolFigures(orm: MikroORM): { used: number; free: number; pending: number; max: number } | null {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: {
    numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number;
  } }).pool;
  return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max } : null;
}

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (the database answers through the
 * request pool, within its acquire timeout: a pool held by other requests or a database that
 * refuses connections is 503 with Retry-After). No key, no throttle, no log line: load
 * balancers call them every few seconds.
 *
 * With read replicas the answer also lists each one's state (`replicas`, in the order of
 * DATABASE_REPLICA_URLS, "ok" or "unavailable") but depends on the primary alone: reads that a
 * replica cannot serve go to the primary, so a replica down makes the service slower, never
 * unready. A replica is asked in parallel and for at most a second, so it cannot slow the probe.
 */
export function healthRoutes(orm: MikroORM, log: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  router.get('/readyz', async (_req, res) => {
    const checks = replicaConnections(orm).map(checkReplica);
    const withReplicas = async (body: { status: string }) => (checks.length ? { ...body, replicas: await Promise.all(checks) } : body);
    try {
      await orm.em.fork().execute('select 1');
      res.json(await withReplicas({ status: 'ok' }));
    } catch (err) {
      log.warn({ err, pool: poolFigures(orm) }, 'readiness check failed');
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      res.status(503).json(await withReplicas({ status: 'unavailable' }));
    }
  });
  return router;
}
