import { Migration } from '@mikro-orm/migrations';

/**
 * The counters of the throttles (rate-limiter-flexible's PostgreSQL store, in its own table
 * layout), shared by every replica. Unlogged: counters of the current minute need no
 * crash-safety, and writing them costs no WAL.
 */
export class Migration20261201000000RateLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table "rate_limit" (
      "key" varchar(255) primary key,
      "points" integer not null default 0,
      "expire" bigint
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "rate_limit";');
  }
}
