import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import type { Logger } from 'pino';
import { RETRY_AFTER_SECONDS } from '../db/faults';

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
 */
export function healthRoutes(orm: MikroORM, log: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  router.get('/readyz', async (_req, res) => {
    try {
      await orm.em.fork().execute('select 1');
      res.json({ status: 'ok' });
    } catch (err) {
      log.warn({ err, pool: poolFigures(orm) }, 'readiness check failed');
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
