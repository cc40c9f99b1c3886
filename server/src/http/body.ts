import express, { type RequestHandler } from 'express';
import { ApiErrorCode } from '../common/errors';
import { HttpError } from './errors';

export const BODY_LIMIT = '4mb';
/** How deep a JSON body may nest; a GraphQL request needs a handful of levels. */
export const MAX_JSON_DEPTH = 64;
/** Values (arrays, objects and their items) a JSON body may hold; an attachment is one string. */
export const MAX_JSON_VALUES = 100_000;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Refuses, before JSON.parse, a body that nests deeper than {@link MAX_JSON_DEPTH} or holds
 * more than {@link MAX_JSON_VALUES} values: 4 MiB of `[[[…` or of `[],[],…` take JSON.parse
 * most of a second, during which the process answers no one. One pass over the bytes, outside
 * strings: a few milliseconds for the largest body.
 */
export function checkJsonShape(buf: Buffer): void {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      values++;
      if (depth > MAX_JSON_DEPTH) throw new HttpError(400, ApiErrorCode.BAD_USER_INPUT, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA && ++values > MAX_JSON_VALUES) {
      throw new HttpError(400, ApiErrorCode.BAD_USER_INPUT, `The request body holds more than ${MAX_JSON_VALUES} values`);
    }
  }
}

/**
 * `application/json` bodies up to {@link BODY_LIMIT} and of a bounded shape; read only after
 * authentication, and every error goes to the shared mapping (http/errors.ts).
 */
export function jsonBody(): RequestHandler {
  return express.json({ limit: BODY_LIMIT, verify: (_req, _res, buf) => checkJsonShape(buf) });
}
