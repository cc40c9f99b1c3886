import { Migration } from '@mikro-orm/migrations';

/**
 * Duplicates: the keys the three duplicate rules match on, each with an index over OPEN leads
 * only (the only leads ever matched), and the link from a merged lead to the lead it was merged
 * into.
 *
 * The keys are generated columns, so that no command can forget to keep them current:
 * - `phone_keys`: the digits of the business and of the mobile phone, each only when it has at
 *   least 7 of them, matched with `&&` through a GIN index;
 * - `name_key` and `company_key`: full name and company name in lower case, matched by trigram
 *   similarity through GIN trigram indexes.
 * Emails are matched on `lower(email)`, through an expression index.
 */
export class Migration20261202120000Duplicates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "lead" add column "merged_into_id" uuid null
       references "lead" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "lead_merged_into_idx" on "lead" ("merged_into_id") where "merged_into_id" is not null;`);
    this.addSql(`alter table "lead" add column "phone_keys" text[] generated always as (array_remove(array[
         case when length(regexp_replace(coalesce("business_phone", ''), '[^0-9]', '', 'g')) >= 7
              then regexp_replace("business_phone", '[^0-9]', '', 'g') end,
         case when length(regexp_replace(coalesce("mobile_phone", ''), '[^0-9]', '', 'g')) >= 7
              then regexp_replace("mobile_phone", '[^0-9]', '', 'g') end], null)) stored;`);
    this.addSql(`alter table "lead" add column "name_key" text generated always as
       (lower(btrim(coalesce("first_name", '') || ' ' || "last_name"))) stored;`);
    this.addSql(`alter table "lead" add column "company_key" text generated always as (lower(btrim("company_name"))) stored;`);
    this.addSql(`create index "lead_open_email_idx" on "lead" (lower("email")) where "state" = 'OPEN' and "email" is not null;`);
    this.addSql(`create index "lead_open_phone_keys_idx" on "lead" using gin ("phone_keys") where "state" = 'OPEN';`);
    this.addSql(`create index "lead_open_name_trgm_idx" on "lead" using gin ("name_key" gin_trgm_ops) where "state" = 'OPEN';`);
    this.addSql(`create index "lead_open_company_trgm_idx" on "lead" using gin ("company_key" gin_trgm_ops) where "state" = 'OPEN';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "lead_open_company_trgm_idx";');
    this.addSql('drop index if exists "lead_open_name_trgm_idx";');
    this.addSql('drop index if exists "lead_open_phone_keys_idx";');
    this.addSql('drop index if exists "lead_open_email_idx";');
    this.addSql(`alter table "lead" drop column "company_key", drop column "name_key", drop column "phone_keys", drop column "merged_into_id";`);
  }
}
