import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so that leaked keys are recognisable by secret scanners. */
export const API_KEY_PREFIX = 'lds_';

export interface NewApiKey {
  /** The full key, shown once and never stored. */
  key: string;
  /** Identifies the key for revocation; stored in clear. */
  prefix: string;
  /** SHA-256 of the full key, hex; the only form in which the key is stored. */
  hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Makes a key of the form `lds_<10-char id>_<43-char secret>` (256 bits of secret). */
export function generateApiKey(): NewApiKey {
  const id = randomBytes(8).toString('base64url').replace(/[-_]/g, '').slice(0, 10).padEnd(10, '0');
  const secret = randomBytes(32).toString('base64url');
  const prefix = `${API_KEY_PREFIX}${id}`;
  const key = `${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** Extracts the key from an `Authorization: Bearer <key>` header; undefined when malformed. */
export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m || !m[1].startsWith(API_KEY_PREFIX) || m[1].length > 200) return undefined;
  return m[1];
}
