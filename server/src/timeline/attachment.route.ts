import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type Request } from 'express';
import type { AuthenticatedRequest } from '../http/authenticate';
import { notFound } from '../http/errors';
import { contentDisposition } from './attachment.content';
import { findVisibleFile } from './attachment.queries';

/**
 * `GET /attachments/:id`: the stored bytes of an attachment, for links and downloads that
 * should not go through base64 in GraphQL. Mounted behind the same authentication and
 * throttling as /graphql; an attachment whose lead the caller may not see is a 404 exactly
 * like a missing one, so that ids cannot be probed. Failures go to the shared error mapping.
 */
export function attachmentRouter(orm: MikroORM): Router {
  const router = Router();
  router.get('/:id', async (req: Request<{ id: string }>, res) => {
    const { actor } = req as unknown as AuthenticatedRequest;
    const file = await findVisibleFile(orm.em.fork(), actor, req.params.id);
    if (!file) throw notFound();
    // setHeader rather than res.set: Express would append "; charset=utf-8" to text types,
    // and the client gets the media type exactly as it was uploaded.
    res.status(200);
    for (const [name, value] of Object.entries({
      'Content-Type': file.mimeType,
      'Content-Length': String(file.content.length),
      'Content-Disposition': contentDisposition(file.fileName),
      'X-Content-Type-Options': 'nosniff',
      // Should a browser render it anyway, it runs nothing and reaches nothing.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    })) res.setHeader(name, value);
    res.end(file.content);
  });
  return router;
}
