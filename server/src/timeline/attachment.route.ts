import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { ApiErrorCode } from '../common/errors';
import type { User } from '../users/user.entity';
import { contentDisposition } from './attachment.content';
import { findVisibleFile, type StoredFile } from './attachment.queries';

/**
 * `GET /attachments/:id`: the stored bytes of an attachment, for links and downloads that
 * should not go through base64 in GraphQL. Mounted behind the same authentication and
 * throttling as /graphql; an attachment whose lead the caller may not see is a 404 exactly
 * like a missing one, so that ids cannot be probed.
 */
export function attachmentRouter(orm: MikroORM): Router {
  const router = Router();
  router.get('/:id', async (req: Request<{ id: string }>, res) => {
    const r = req as Request & { actor?: User; requestId?: string; log?: Logger };
    let file: StoredFile | null;
    try {
      file = r.actor ? await findVisibleFile(orm.em.fork(), r.actor, req.params.id) : null;
    } catch (err) {
      r.log?.error({ err, requestId: r.requestId }, 'attachment download failed');
      res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR, requestId: r.requestId } }] });
      return;
    }
    if (!file) {
      res.status(404).json({ error: 'not found' });
      return;
    }
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
