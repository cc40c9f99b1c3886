import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { ApiErrorCode } from '../common/errors';
import { hashFormKey } from '../forms/form-keys';
import { readSubmission, receiveSubmission, validateSubmission, type ReceivingForm } from '../forms/form.submission';
import { WebForm } from '../forms/web-form.entity';
import { checkJsonShape } from './body';
import { HttpError, notFound } from './errors';
import type { Throttle } from './throttle';

/** The largest form body: a few short fields and a description of at most 2000 characters. */
export const FORM_BODY_LIMIT = '16kb';
/** More fields than a form has, with room for a page's own hidden ones; more are refused (413). */
const MAX_FORM_PARAMETERS = 50;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

type FormRequest = Request<{ formKey: string }> & { form?: ReceivingForm & { redirectUrl: string | null } };

const unsupportedType = () => new HttpError(415, ApiErrorCode.BAD_USER_INPUT,
  'Send the form as application/x-www-form-urlencoded (an HTML form\'s default) or application/json, in UTF-8');

/** Express's own parsers, bounded; a body of another type is refused before a byte is read. */
function formBody(): RequestHandler[] {
  const contentType: RequestHandler = (req, _res, next) => {
    // No body at all reads as an empty form (every required field then missing).
    if (req.is(FORM_TYPES) === false) return next(unsupportedType());
    next();
  };
  // body-parser's errors that say more about a form than the shared mapping can.
  const formErrors = (err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const type = (err as { type?: string } | null)?.type;
    if (type === 'charset.unsupported') return next(unsupportedType());
    if (type === 'parameters.too.many') {
      return next(new HttpError(413, ApiErrorCode.BAD_USER_INPUT, `A form may post at most ${MAX_FORM_PARAMETERS} fields`));
    }
    next(err);
  };
  return [
    contentType,
    express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: MAX_FORM_PARAMETERS }),
    express.json({ limit: FORM_BODY_LIMIT, verify: (_req, _res, buf) => checkJsonShape(buf) }),
    formErrors as unknown as RequestHandler,
  ];
}

/**
 * `POST /forms/{formKey}`: web-to-lead forms, posted by browsers from any site. The form key in
 * the path is the credential; this route never reads `Authorization`, sends no CORS headers (a
 * plain HTML form post needs none) and answers everything under `/forms` itself, so nothing
 * there reaches API-key authentication. In the order a post meets them:
 *
 * 1. the per-client-network limit (429), before the key is looked up;
 * 2. the key, by its hash: unknown and revoked keys alike 404, after the same one lookup;
 * 3. the per-form limit (429);
 * 4. the body: urlencoded or JSON (else 415), at most {@link FORM_BODY_LIMIT} (else 413);
 * 5. the fields: createLead's rules, the honeypot empty (else 400 `{"errors":[{"field","message"}]}`);
 * 6. the lead or note, one transaction: 201 `{"status":"received"}`, or 303 to the form's redirect URL.
 *
 * Every other failure is answered by the one error mapping (http/errors.ts).
 */
export function webForms(orm: MikroORM, throttle: Throttle): Router {
  const router = Router({ caseSensitive: true });

  const limitClient: RequestHandler = async (req, _res, next) => {
    try {
      await throttle.countFormPost(req.ip);
      next();
    } catch (err) {
      next(err);
    }
  };

  const findForm = async (req: FormRequest, _res: Response, next: NextFunction) => {
    try {
      const form = await orm.em.fork().findOne(WebForm, { keyHash: hashFormKey(req.params.formKey), revokedAt: null });
      if (!form) return next(notFound());
      req.form = { id: form.id, name: form.name, ownerId: form.owner.id, redirectUrl: form.redirectUrl ?? null };
      await throttle.countPostToForm(form.id);
      next();
    } catch (err) {
      next(err);
    }
  };

  const receive = async (req: FormRequest, res: Response, next: NextFunction) => {
    try {
      const form = req.form!;
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) {
        return next(new HttpError(400, ApiErrorCode.BAD_USER_INPUT, 'The request body must be a JSON object of the form\'s fields'));
      }
      const read = readSubmission(body as Record<string, unknown>);
      const checked = read.errors.length ? { input: null, errors: read.errors } : await validateSubmission(form, read.submission);
      res.setHeader('Cache-Control', 'no-store');
      if (!checked.input) {
        res.status(400).json({ errors: checked.errors });
        return;
      }
      await receiveSubmission(orm.em.fork(), form, checked.input, read.submission);
      if (form.redirectUrl) {
        res.status(303).setHeader('Location', form.redirectUrl);
        res.end();
      } else {
        res.status(201).json({ status: 'received' });
      }
    } catch (err) {
      next(err);
    }
  };

  router.post('/:formKey', limitClient, findForm as unknown as RequestHandler, ...formBody(), receive as unknown as RequestHandler);
  // Any other method, preflights included: no CORS, no key check, nothing read.
  router.all('/:formKey', (_req, _res, next) => {
    next(new HttpError(405, ApiErrorCode.BAD_USER_INPUT, 'A web form accepts only POST', { Allow: 'POST' }));
  });
  router.use((_req, _res, next) => { next(notFound()); });
  return router;
}
