import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isURL } from 'class-validator';
import { mayOwnLeads } from '../access/policy';
import { isUuid } from '../common/ids';
import { UserService } from '../users/user.service';
import { formActionPath, generateFormKey, hashFormKey } from './form-keys';
import { WebForm } from './web-form.entity';

export const MAX_FORM_NAME = 200;
export const MAX_REDIRECT_URL = 2000;

/** A form as the admin commands print it: never its key, which only form:create shows. */
export interface ListedForm {
  formId: string;
  name: string;
  /** The owner's email. */
  owner: string;
  redirectUrl: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedForm extends ListedForm {
  /** The key: shown this once, stored only as its hash. */
  formKey: string;
  /** Where the form posts, relative to the service's base URL: `/forms/<formKey>`. */
  actionPath: string;
}

/** Why `url` cannot be a redirect: an absolute http(s) URL without credentials; null when it can. */
export function redirectProblem(url: string): string | null {
  const ok = url.length <= MAX_REDIRECT_URL && isURL(url, {
    protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true, require_host: true,
    require_tld: false, disallow_auth: true,
  });
  return ok ? null : `--redirect must be an absolute http:// or https:// URL of at most ${MAX_REDIRECT_URL} characters, without user name or password: ${url}`;
}

const listed = (form: WebForm, ownerEmail: string): ListedForm => ({
  formId: form.id, name: form.name, owner: ownerEmail, redirectUrl: form.redirectUrl ?? null,
  createdAt: form.createdAt.toISOString(), revokedAt: form.revokedAt ? form.revokedAt.toISOString() : null,
});

/** Administration of web-to-lead forms, for the admin command line. Failures throw with the message to show. */
export class FormService {
  constructor(private readonly em: EntityManager) {}

  /** Makes a form whose leads `ownerEmail` owns; the key is in the answer and nowhere else. */
  async createForm(input: { name: string; ownerEmail: string; redirectUrl?: string }): Promise<CreatedForm> {
    const name = input.name.trim();
    const problems: string[] = [];
    if (!name) problems.push('--name must not be blank');
    else if (name.length > MAX_FORM_NAME) problems.push(`--name must be at most ${MAX_FORM_NAME} characters`);
    const redirectUrl = input.redirectUrl?.trim() || null;
    const bad = redirectUrl === null ? null : redirectProblem(redirectUrl);
    if (bad) problems.push(bad);
    if (problems.length) throw new Error(problems.join('; '));
    return this.em.transactional(async (em) => {
      const owner = await new UserService(em).findByEmail(em, input.ownerEmail);
      if (!mayOwnLeads(owner)) {
        throw new Error(`${owner.email} is a ${owner.role}, who may not own leads that others send; give the form a user who may own leads`);
      }
      const { key, hash } = generateFormKey();
      const form = em.create(WebForm, { name, owner, keyHash: hash, redirectUrl });
      await em.flush();
      return { ...listed(form, owner.email), formKey: key, actionPath: formActionPath(key) };
    });
  }

  /**
   * Revokes a form, found by its key or by its id: from then on its key gets 404, like a key
   * that never existed. Revoking twice is an error.
   */
  async revokeForm(by: { key?: string; id?: string }): Promise<ListedForm> {
    return this.em.transactional(async (em) => {
      const where = by.key !== undefined ? { keyHash: hashFormKey(by.key.trim()) } : isUuid(by.id ?? '') ? { id: by.id! } : null;
      const form = where ? await em.findOne(WebForm, where, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['owner'] }) : null;
      if (!form) throw new Error(by.key !== undefined ? 'no form has this key' : `no form with id ${by.id}`);
      if (form.revokedAt) throw new Error(`the form ${form.id} was already revoked at ${form.revokedAt.toISOString()}`);
      form.revokedAt = new Date();
      await em.flush();
      return listed(form, form.owner.getEntity().email);
    });
  }

  /** Forms, oldest first: live ones only unless `all`. Never their keys. */
  async listForms(opts: { all?: boolean } = {}): Promise<ListedForm[]> {
    const forms = await this.em.find(WebForm, opts.all ? {} : { revokedAt: null },
      { populate: ['owner'], orderBy: { createdAt: 'asc', id: 'asc' } });
    return forms.map((f) => listed(f, f.owner.getEntity().email));
  }
}
