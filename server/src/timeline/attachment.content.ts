import { createHash } from 'node:crypto';

/** The largest attachment, decoded: 2 MiB. The attachment table's CHECK holds the same bound. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

/**
 * Standard base64 (RFC 4648 §4) with its padding, and nothing else: no white space, no line
 * breaks, no URL-safe alphabet. Node's decoder silently skips characters it does not know, so
 * without this a corrupted upload would be stored as different bytes instead of refused.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `type/subtype` with RFC 6838 restricted names, optionally followed by `; name=value` parameters. */
const NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
const PARAM = `;[ ]?[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\\\\\\x00-\\x1f\\x7f]*")`;
const MIME_TYPE = new RegExp(`^${NAME}/${NAME}(?:${PARAM})*$`);

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** Bytes that a strict base64 string decodes to, computed without decoding it. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** Why `value` is not acceptable attachment content, or null when it is. */
export function contentProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'contentBase64 must not be empty: an attachment needs at least one byte';
  if (value.length % 4 !== 0 || !BASE64.test(value)) {
    return 'contentBase64 must be standard base64 (A-Z a-z 0-9 + /) with "=" padding to a multiple of 4 characters and no white space';
  }
  const size = decodedLength(value);
  if (size > MAX_ATTACHMENT_BYTES) return `The attachment is ${size} bytes; at most ${MAX_ATTACHMENT_BYTES} (2 MiB) are allowed`;
  // The padding may hide non-zero bits ("QR==" decodes like "QQ=="): refuse what does not round-trip.
  if (Buffer.from(value, 'base64').toString('base64') !== value) return 'contentBase64 has non-zero bits in its padding';
  return null;
}

export function mimeTypeProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 255 || !MIME_TYPE.test(value)) {
    return 'mimeType must be a media type of the form type/subtype, e.g. "application/pdf", at most 255 characters';
  }
  return null;
}

export function fileNameProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim().length === 0) return 'fileName must not be blank';
  if ([...value].length > 255) return 'fileName may be at most 255 characters';
  if (/[/\\]/.test(value) || CONTROL.test(value)) return 'fileName may not contain path separators (/ \\) or control characters';
  if (value === '.' || value === '..') return 'fileName must name a file';
  return null;
}

export interface DecodedContent { bytes: Buffer; sha256: string }

/** Decodes content that passed {@link contentProblem}. */
export function decodeContent(base64: string): DecodedContent {
  const bytes = Buffer.from(base64, 'base64');
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * `Content-Disposition: attachment` naming the file twice: an ASCII `filename` for old clients
 * and the exact name as RFC 5987 `filename*=UTF-8''…`, which every current browser prefers.
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
