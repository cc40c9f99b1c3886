import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type ErrorRequestHandler, type RequestHandler, type Response, Router } from 'express';
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
export const MAX_FORM_PARAMETERS = 50;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'application/json'];

/** The form a post's key found, kept in `res.locals` for the handlers after the lookup. */
type FoundForm = ReceivingForm & { redirectUrl: string | null };
const foundForm = (res: Response) => res.locals.form as FoundForm;

const unsupportedType = () => new HttpError(415, ApiErrorCode.BAD_USER_INPUT,
  'Send the form as application/x-www-form-urlencoded (an HTML form\'s default) or application/json, in UTF-8');

/** A body of another type is refused before a byte of it is read; no body reads as an empty form. */
const formContentType: RequestHandler = (req, _res, next) => {
  next(req.is(FORM_TYPES) === false ? unsupportedType() : undefined);
};

/** body-parser's errors that say more about a form than the shared mapping can. */
const formBodyErrors: ErrorRequestHandler = (err, _req, _res, next) => {
  const type = (err as { type?: string } | null)?.type;
  if (type === 'charset.unsupported') return next(unsupportedType());
  if (type === 'parameters.too.many') {
    return next(new HttpError(413, ApiErrorCode.BAD_USER_INPUT, `A form may post at most ${MAX_FORM_PARAMETERS} fields`));
  }
  next(err);
};

/**
 * `POST /forms/{formKey}`: web-to-lead forms, posted by browsers from any site. The form key in
 * the path is the credential; this route never reads `Authorization`, sends no CORS headers (a
 * plain HTML form post needs none) and answers everything under `/forms` itself, so nothing
 * there reaches API-key authentication. In the order a post meets them:
 *
 * 1. the per-client-network limit (429), before the key is looked up;
 * 2. the key, by its hash: unknown and revoked keys alike 404, after the same one lookup;
 * 3. the per-form limit (429);
 * 4. the body, by Express's own parsers: urlencoded or JSON (else 415), at most
 *    {@link FORM_BODY_LIMIT} and {@link MAX_FORM_PARAMETERS} fields (else 413);
 * 5. the fields: createLead's rules, the honeypot empty (else 400 `{"errors":[{"field","message"}]}`);
 * 6. the lead or note, one transaction: 201 `{"status":"received"}`, or 303 to the form's redirect URL.
 *
 * Every other failure is answered by the one error mapping (http/errors.ts).
 */
export function webForms(orm: MikroORM, throttle: Throttle): Router {
  const router = Router({ caseSensitive: true });

  // An answer to a form post is about that one submission: nothing for a cache to keep.
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const limitClient: RequestHandler = async (req, _res, next) => {
    try {
      await throttle.countFormPost(req.ip);
      next();
    } catch (err) {
      next(err);
    }
  };

  const findForm: RequestHandler<{ formKey: string }> = async (req, res, next) => {
    try {
      const form = await orm.em.fork().findOne(WebForm, { keyHash: hashFormKey(req.params.formKey), revokedAt: null });
      if (!form) return next(notFound());
      res.locals.form = { id: form.id, name: form.name, ownerId: form.owner.id, redirectUrl: form.redirectUrl ?? null } satisfies FoundForm;
      await throttle.countPostToForm(form.id);
      next();
    } catch (err) {
      next(err);
    }
  };

  const receive: RequestHandler = async (req, res, next) => {
    try {
      const form = foundForm(res);
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return next(new HttpError(400, ApiErrorCode.BAD_USER_INPUT, 'The request body must be a JSON object of the form\'s fields'));
      }
      const read = readSubmission(body as Record<string, unknown>);
      const checked = read.errors.length ? { input: null, errors: read.errors } : await validateSubmission(form, read.submission);
      if (!checked.input) {
        res.status(400).json({ errors: checked.errors });
        return;
      }
      await receiveSubmission(orm.em.fork(), form, checked.input, read.submission);
      if (form.redirectUrl) res.status(303).location(form.redirectUrl).end();
      else res.status(201).json({ status: 'received' });
    } catch (err) {
      next(err);
    }
  };

  router.post('/:formKey', limitClient, findForm, formContentType,
    express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: MAX_FORM_PARAMETERS }),
    express.json({ limit: FORM_BODY_LIMIT, verify: (_req, _res, buf) => checkJsonShape(buf) }),
    formBodyErrors, receive);
  // Any other method, preflights included: no CORS, no key lookup, nothing read.
  router.all('/:formKey', (_req, _res, next) => {
    next(new HttpError(405, ApiErrorCode.BAD_USER_INPUT, 'A web form accepts only POST', { Allow: 'POST' }));
  });
  router.use((_req, _res, next) => { next(notFound()); });
  return router;
}
