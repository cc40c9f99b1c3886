import { randomUUID } from 'node:crypto';
import { Entity, type Opt, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from './user.entity';

/** An API key. Only its SHA-256 hash is stored; the prefix identifies it for revocation. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Property({ type: 'string', length: 32, unique: true })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true })
  hash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  revokedAt?: Date | null;
}
