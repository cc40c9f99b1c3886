import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import type { Logger } from 'pino';

export const HEALTH_PATHS = ['/healthz', '/readyz'];

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (the database answers). No key, no
 * throttle, no log line: load balancers call them every few seconds.
 */
export function healthRoutes(orm: MikroORM, log: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  router.get('/readyz', async (_req, res) => {
    try {
      await orm.em.fork().execute('select 1');
      res.json({ status: 'ok' });
    } catch (err) {
      log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
