import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../users/api-keys';

/** Every form key starts with this, so that leaked keys are recognisable by secret scanners. */
export const FORM_KEY_PREFIX = 'ldf_';

/** The path a form posts to: the key is the credential, in the URL of a plain HTML form. */
export const formActionPath = (key: string) => `/forms/${key}`;

/** Makes a key of the form `ldf_<43 characters>` (256 bits, base64url: safe in a URL path). */
export function generateFormKey(): { key: string; hash: string } {
  const key = `${FORM_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashFormKey(key) };
}

/** SHA-256 of the key, hex: the only form in which it is stored (as API keys are). */
export function hashFormKey(key: string): string {
  return hashApiKey(key);
}
