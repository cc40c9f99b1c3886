import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type Request } from 'express';
import type { User } from '../users/user.entity';
import { contentDisposition } from './attachment.content';
import { findVisibleFile } from './attachment.queries';

/**
 * `GET /attachments/:id`: the stored bytes of an attachment, for links and downloads that
 * should not go through base64 in GraphQL. Mounted behind the same authentication and
 * throttling as /graphql; an attachment whose lead the caller may not see is a 404 exactly
 * like a missing one, so that ids cannot be probed.
 */
export function attachmentRouter(orm: MikroORM): Router {
  const router = Router();
  router.get('/:id', async (req: Request<{ id: string }>, res) => {
    const actor = (req as Request & { actor?: User }).actor;
    const file = actor ? await findVisibleFile(orm.em.fork(), actor, req.params.id) : null;
    if (!file) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.status(200).set({
      'Content-Type': file.mimeType,
      'Content-Length': String(file.content.length),
      'Content-Disposition': contentDisposition(file.fileName),
      'X-Content-Type-Options': 'nosniff',
      // Should a browser render it anyway, it runs nothing and reaches nothing.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    res.end(file.content);
  });
  return router;
}
