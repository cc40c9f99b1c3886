import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency keys: the first response to a mutation sent with an `Idempotency-Key` header,
 * kept per caller for a day so that a retried request gets it again instead of running twice.
 */
export class Migration20261129130000IdempotencyKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "idempotency_key" (
      "user_id" uuid not null references "app_user" ("id") on delete cascade,
      "key" varchar(255) not null,
      "request_hash" char(64) not null,
      "status" text not null default 'PENDING' check ("status" in ('PENDING', 'DONE')),
      "response" jsonb null,
      "created_at" timestamptz(3) not null default now(),
      "completed_at" timestamptz(3) null,
      constraint "idempotency_key_pkey" primary key ("user_id", "key"),
      constraint "idempotency_key_done_check" check (("status" = 'DONE') = ("response" is not null))
    );`);
    this.addSql('create index "idempotency_key_created_at_idx" on "idempotency_key" ("created_at");');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "idempotency_key";');
  }
}
