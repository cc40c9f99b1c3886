import { Router } from 'express';
import { canReadMetrics } from '../access/policy';
import { ApiErrorCode } from '../common/errors';
import type { Metrics } from '../metrics/metrics';
import type { AuthenticatedRequest } from './authenticate';
import { HttpError } from './errors';

/** `GET /metrics`: Prometheus text, for an ADMIN key (Prometheus's `bearer_token`). */
export function metricsRoute(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    const { actor } = req as AuthenticatedRequest;
    if (!canReadMetrics(actor)) throw new HttpError(403, ApiErrorCode.FORBIDDEN, 'Metrics need an ADMIN key');
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });
  return router;
}
