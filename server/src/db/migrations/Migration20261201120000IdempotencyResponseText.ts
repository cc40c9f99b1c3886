import { Migration } from '@mikro-orm/migrations';

/**
 * A replay must be the first response byte for byte, and jsonb reorders object keys (shorter
 * keys first): the response is kept as the text that was sent. Rows written before keep their
 * jsonb `response` and are still replayed from it.
 */
export class Migration20261201120000IdempotencyResponseText extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "idempotency_key" add column "response_text" text;');
    this.addSql('alter table "idempotency_key" drop constraint "idempotency_key_done_check";');
    this.addSql(`alter table "idempotency_key" add constraint "idempotency_key_done_check"
      check (("status" = 'DONE') = ("response" is not null or "response_text" is not null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`update "idempotency_key" set "response" = "response_text"::jsonb where "response" is null and "response_text" is not null;`);
    this.addSql('alter table "idempotency_key" drop constraint "idempotency_key_done_check";');
    this.addSql('alter table "idempotency_key" drop column "response_text";');
    this.addSql(`alter table "idempotency_key" add constraint "idempotency_key_done_check" check (("status" = 'DONE') = ("response" is not null));`);
  }
}
