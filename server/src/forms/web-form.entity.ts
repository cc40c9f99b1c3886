import { randomUUID } from 'node:crypto';
import { Entity, type Opt, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from '../users/user.entity';

/**
 * A web-to-lead form: the credential of `POST /forms/{formKey}`. The key is stored only as its
 * SHA-256 hash (as API keys are); leads it receives are owned and created by `owner`.
 */
@Entity({ tableName: 'web_form' })
export class WebForm {
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Property({ type: 'string', length: 200 })
  name!: string;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict', index: 'web_form_owner_idx' })
  owner!: Ref<User>;

  @Property({ type: 'string', length: 64, unique: true })
  keyHash!: string;

  /** Where a browser is sent (303) after a valid submission; none: a 201 JSON answer. */
  @Property({ type: 'string', length: 2000, nullable: true })
  redirectUrl?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  revokedAt?: Date | null;
}
