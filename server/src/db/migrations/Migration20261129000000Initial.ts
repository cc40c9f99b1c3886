import { Migration } from '@mikro-orm/migrations';

/**
 * The whole data model of the contract. Besides the tables the ORM describes, PostgreSQL guards
 * what it can: CHECKs on money ranges, lengths and state/status pairs, one opportunity per lead,
 * one stakeholder row per (lead, contact), cascades from a lead to its timeline and stakeholders,
 * trigram indexes for search, sort indexes with the id as a unique tiebreaker for cursors, and
 * the reference currencies.
 */
export class Migration20261129000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create table "currency" ("code" varchar(3) not null, "name" varchar(100) not null, "symbol" varchar(10) not null, "is_base" boolean not null, "exchange_rate" numeric(20,10) not null, constraint "currency_pkey" primary key ("code"));`);
    this.addSql(`create table "app_user" ("id" uuid not null, "name" varchar(200) not null, "email" varchar(320) not null, "role" text check ("role" in ('ADMIN', 'MANAGER', 'SALESPERSON', 'PARTNER')) not null, "created_at" timestamptz(3) not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`create table "audit_entry" ("id" uuid not null, "entity_type" varchar(40) not null, "entity_id" uuid not null, "action" varchar(40) not null, "actor_id" uuid null, "at" timestamptz(3) not null, "changes" jsonb not null, constraint "audit_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_entry_entity_idx" on "audit_entry" ("entity_id", "at", "id");`);
    this.addSql(`create table "api_key" ("id" uuid not null, "user_id" uuid not null, "prefix" varchar(32) not null, "hash" varchar(64) not null, "created_at" timestamptz(3) not null, "revoked_at" timestamptz(3) null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);
    this.addSql(`alter table "api_key" add constraint "api_key_hash_unique" unique ("hash");`);
    this.addSql(`create table "account" ("id" uuid not null, "name" varchar(160) not null, "name_normalized" varchar(160) not null, "website" varchar(200) null, "phone" varchar(50) null, "industry" text check ("industry" in ('ACCOUNTING', 'AGRICULTURE', 'BROADCASTING_PRINTING_PUBLISHING', 'BROKERS', 'BUILDING_SUPPLY_RETAIL', 'BUSINESS_SERVICES', 'CONSULTING', 'CONSUMER_SERVICES', 'DESIGN_CREATIVE_MANAGEMENT', 'DISTRIBUTORS_DISPATCHERS_PROCESSORS', 'DOCTORS_OFFICES_CLINICS', 'DURABLE_MANUFACTURING', 'EATING_DRINKING_PLACES', 'ENTERTAINMENT_RETAIL', 'EQUIPMENT_RENTAL_LEASING', 'FINANCIAL', 'FOOD_TOBACCO_PROCESSING', 'INBOUND_CAPITAL_INTENSIVE_PROCESSING', 'INBOUND_REPAIR_SERVICES', 'INSURANCE', 'LEGAL_SERVICES', 'NON_DURABLE_MERCHANDISE_RETAIL', 'OUTBOUND_CONSUMER_SERVICE', 'PETROCHEMICAL_EXTRACTION_DISTRIBUTION', 'SERVICE_RETAIL', 'SIG_AFFILIATIONS', 'SOCIAL_SERVICES', 'SPECIAL_OUTBOUND_TRADE_CONTRACTORS', 'SPECIALTY_REALTY', 'TRANSPORTATION', 'UTILITY_CREATION_DISTRIBUTION', 'VEHICLE_RETAIL', 'WHOLESALE')) null, "primary_contact_id" uuid null, "originating_lead_id" uuid null, "owner_id" uuid null, "created_at" timestamptz(3) not null, constraint "account_pkey" primary key ("id"));`);
    this.addSql(`create index "account_name_normalized_idx" on "account" ("name_normalized");`);
    this.addSql(`create table "contact" ("id" uuid not null, "first_name" varchar(50) null, "last_name" varchar(50) not null, "email" varchar(100) null, "job_title" varchar(100) null, "business_phone" varchar(50) null, "account_id" uuid null, "originating_lead_id" uuid null, "owner_id" uuid null, "created_at" timestamptz(3) not null, constraint "contact_pkey" primary key ("id"));`);
    this.addSql(`create index "contact_email_lower_idx" on "contact" (lower("email"));`);
    this.addSql(`create table "lead" ("id" uuid not null, "topic" varchar(300) not null, "first_name" varchar(50) null, "last_name" varchar(50) not null, "job_title" varchar(100) null, "company_name" varchar(160) null, "email" varchar(100) null, "business_phone" varchar(50) null, "mobile_phone" varchar(50) null, "website" varchar(200) null, "address_line1" varchar(250) null, "address_line2" varchar(250) null, "address_city" varchar(80) null, "address_state_or_province" varchar(50) null, "address_postal_code" varchar(20) null, "address_country" varchar(80) null, "industry" text check ("industry" in ('ACCOUNTING', 'AGRICULTURE', 'BROADCASTING_PRINTING_PUBLISHING', 'BROKERS', 'BUILDING_SUPPLY_RETAIL', 'BUSINESS_SERVICES', 'CONSULTING', 'CONSUMER_SERVICES', 'DESIGN_CREATIVE_MANAGEMENT', 'DISTRIBUTORS_DISPATCHERS_PROCESSORS', 'DOCTORS_OFFICES_CLINICS', 'DURABLE_MANUFACTURING', 'EATING_DRINKING_PLACES', 'ENTERTAINMENT_RETAIL', 'EQUIPMENT_RENTAL_LEASING', 'FINANCIAL', 'FOOD_TOBACCO_PROCESSING', 'INBOUND_CAPITAL_INTENSIVE_PROCESSING', 'INBOUND_REPAIR_SERVICES', 'INSURANCE', 'LEGAL_SERVICES', 'NON_DURABLE_MERCHANDISE_RETAIL', 'OUTBOUND_CONSUMER_SERVICE', 'PETROCHEMICAL_EXTRACTION_DISTRIBUTION', 'SERVICE_RETAIL', 'SIG_AFFILIATIONS', 'SOCIAL_SERVICES', 'SPECIAL_OUTBOUND_TRADE_CONTRACTORS', 'SPECIALTY_REALTY', 'TRANSPORTATION', 'UTILITY_CREATION_DISTRIBUTION', 'VEHICLE_RETAIL', 'WHOLESALE')) null, "preferred_contact_method" text check ("preferred_contact_method" in ('ANY', 'EMAIL', 'PHONE', 'FAX', 'MAIL')) not null default 'ANY', "source" text check ("source" in ('ADVERTISEMENT', 'EMPLOYEE_REFERRAL', 'EXTERNAL_REFERRAL', 'PARTNER', 'PUBLIC_RELATIONS', 'SEMINAR', 'TRADE_SHOW', 'WEB', 'WORD_OF_MOUTH', 'OTHER')) null, "rating" text check ("rating" in ('HOT', 'WARM', 'COLD')) null, "description" varchar(2000) null, "budget_amount" numeric(15,2) null, "budget_currency_code" varchar(3) null, "purchase_timeframe" text check ("purchase_timeframe" in ('IMMEDIATE', 'THIS_QUARTER', 'NEXT_QUARTER', 'THIS_YEAR', 'UNKNOWN')) null, "purchase_process" text check ("purchase_process" in ('INDIVIDUAL', 'COMMITTEE', 'UNKNOWN')) null, "budget_status" text check ("budget_status" in ('NO_COMMITTED_BUDGET', 'MAY_BUY', 'CAN_BUY', 'WILL_BUY')) null, "decision_maker_identified" boolean not null default false, "existing_account_id" uuid null, "existing_contact_id" uuid null, "state" text check ("state" in ('OPEN', 'QUALIFIED', 'DISQUALIFIED')) not null default 'OPEN', "status_reason" text check ("status_reason" in ('NEW', 'CONTACTED', 'QUALIFIED', 'LOST', 'CANNOT_CONTACT', 'NO_LONGER_INTERESTED', 'CANCELED')) not null default 'NEW', "owner_id" uuid not null, "created_by_id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "version" int not null default 1, "qualified_at" timestamptz(3) null, "qualifying_opportunity_id" uuid null, "account_id" uuid null, "contact_id" uuid null, constraint "lead_pkey" primary key ("id"));`);
    this.addSql(`create index "lead_source_idx" on "lead" ("source");`);
    this.addSql(`create index "lead_rating_idx" on "lead" ("rating");`);
    this.addSql(`create index "lead_status_reason_idx" on "lead" ("status_reason");`);
    this.addSql(`create index "lead_owner_idx" on "lead" ("owner_id");`);
    this.addSql(`create index "lead_created_by_idx" on "lead" ("created_by_id");`);
    this.addSql(`alter table "lead" add constraint "lead_qualifying_opportunity_unique" unique ("qualifying_opportunity_id");`);
    this.addSql(`create index "lead_state_idx" on "lead" ("state", "created_at", "id");`);
    this.addSql(`create index "lead_updated_at_idx" on "lead" ("updated_at", "id");`);
    this.addSql(`create index "lead_created_at_idx" on "lead" ("created_at", "id");`);
    this.addSql(`create table "opportunity" ("id" uuid not null, "name" varchar(300) not null, "state" text check ("state" in ('OPEN', 'WON', 'LOST')) not null default 'OPEN', "currency_code" varchar(3) not null, "estimated_value" numeric(15,2) null, "account_id" uuid null, "contact_id" uuid null, "originating_lead_id" uuid null, "owner_id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "opportunity_pkey" primary key ("id"));`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_originating_lead_unique" unique ("originating_lead_id");`);
    this.addSql(`create index "opportunity_owner_idx" on "opportunity" ("owner_id");`);
    this.addSql(`create table "stakeholder" ("id" uuid not null, "lead_id" uuid null, "opportunity_id" uuid null, "contact_id" uuid not null, "role" text check ("role" in ('STAKEHOLDER', 'CHAMPION', 'DECISION_MAKER', 'END_USER', 'ECONOMIC_BUYER', 'INFLUENCER', 'TECHNICAL_BUYER')) not null default 'STAKEHOLDER', "created_at" timestamptz(3) not null, constraint "stakeholder_pkey" primary key ("id"));`);
    this.addSql(`create index "stakeholder_contact_idx" on "stakeholder" ("contact_id");`);
    this.addSql(`alter table "stakeholder" add constraint "stakeholder_opportunity_contact_unique" unique ("opportunity_id", "contact_id");`);
    this.addSql(`alter table "stakeholder" add constraint "stakeholder_lead_contact_unique" unique ("lead_id", "contact_id");`);
    this.addSql(`create table "note" ("id" uuid not null, "lead_id" uuid not null, "text" text not null, "author_id" uuid null, "created_at" timestamptz(3) not null, constraint "note_pkey" primary key ("id"));`);
    this.addSql(`create index "note_lead_timeline_idx" on "note" ("lead_id", "created_at", "id");`);
    this.addSql(`create table "attachment" ("id" uuid not null, "note_id" uuid not null, "lead_id" uuid not null, "file_name" varchar(255) not null, "mime_type" varchar(255) not null, "size_bytes" int not null, "sha256" varchar(64) not null, "content" bytea not null, "created_at" timestamptz(3) not null, constraint "attachment_pkey" primary key ("id"));`);
    this.addSql(`alter table "attachment" add constraint "attachment_note_unique" unique ("note_id");`);
    this.addSql(`create index "attachment_lead_idx" on "attachment" ("lead_id");`);
    this.addSql(`create table "activity" ("id" uuid not null, "lead_id" uuid not null, "kind" text check ("kind" in ('PHONE_CALL', 'EMAIL', 'TASK', 'APPOINTMENT')) not null, "subject" varchar(200) not null, "description" text null, "direction" text check ("direction" in ('INCOMING', 'OUTGOING')) null, "status" text check ("status" in ('OPEN', 'COMPLETED', 'CANCELED')) not null default 'OPEN', "due_at" timestamptz(3) null, "completed_at" timestamptz(3) null, "owner_id" uuid not null, "created_at" timestamptz(3) not null, constraint "activity_pkey" primary key ("id"));`);
    this.addSql(`create index "activity_lead_timeline_idx" on "activity" ("lead_id", "created_at", "id");`);
    this.addSql(`alter table "audit_entry" add constraint "audit_entry_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "api_key" add constraint "api_key_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "account" add constraint "account_primary_contact_id_foreign" foreign key ("primary_contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "account" add constraint "account_originating_lead_id_foreign" foreign key ("originating_lead_id") references "lead" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "account" add constraint "account_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contact" add constraint "contact_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contact" add constraint "contact_originating_lead_id_foreign" foreign key ("originating_lead_id") references "lead" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "contact" add constraint "contact_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "lead" add constraint "lead_budget_currency_code_foreign" foreign key ("budget_currency_code") references "currency" ("code") on update cascade on delete restrict;`);
    this.addSql(`alter table "lead" add constraint "lead_existing_account_id_foreign" foreign key ("existing_account_id") references "account" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "lead" add constraint "lead_existing_contact_id_foreign" foreign key ("existing_contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "lead" add constraint "lead_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "lead" add constraint "lead_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "lead" add constraint "lead_qualifying_opportunity_id_foreign" foreign key ("qualifying_opportunity_id") references "opportunity" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "lead" add constraint "lead_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "lead" add constraint "lead_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_currency_code_foreign" foreign key ("currency_code") references "currency" ("code") on update cascade on delete restrict;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_originating_lead_id_foreign" foreign key ("originating_lead_id") references "lead" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "stakeholder" add constraint "stakeholder_lead_id_foreign" foreign key ("lead_id") references "lead" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "stakeholder" add constraint "stakeholder_opportunity_id_foreign" foreign key ("opportunity_id") references "opportunity" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "stakeholder" add constraint "stakeholder_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "note" add constraint "note_lead_id_foreign" foreign key ("lead_id") references "lead" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "note" add constraint "note_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "attachment" add constraint "attachment_note_id_foreign" foreign key ("note_id") references "note" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "attachment" add constraint "attachment_lead_id_foreign" foreign key ("lead_id") references "lead" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "activity" add constraint "activity_lead_id_foreign" foreign key ("lead_id") references "lead" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "activity" add constraint "activity_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`create unique index "app_user_email_lower_unique" on "app_user" (lower("email"));`);
    this.addSql(`alter table "currency" add constraint "currency_code_check" check ("code" ~ '^[A-Z]{3}$');`);
    this.addSql(`alter table "currency" add constraint "currency_exchange_rate_check" check ("exchange_rate" > 0);`);
    this.addSql(`create unique index "currency_single_base" on "currency" ("is_base") where "is_base";`);
    this.addSql(`alter table "currency" add constraint "currency_base_rate_check" check (not "is_base" or "exchange_rate" = 1);`);
    this.addSql(`alter table "lead" add constraint "lead_topic_check" check (length(btrim("topic")) > 0);`);
    this.addSql(`alter table "lead" add constraint "lead_last_name_check" check (length(btrim("last_name")) > 0);`);
    this.addSql(`alter table "lead" add constraint "lead_budget_amount_check" check ("budget_amount" >= 0 and "budget_amount" <= 1000000000000);`);
    this.addSql(`alter table "lead" add constraint "lead_budget_currency_check" check (("budget_amount" is null) = ("budget_currency_code" is null));`);
    this.addSql(`alter table "lead" add constraint "lead_version_check" check ("version" >= 1);`);
    this.addSql(`alter table "lead" add constraint "lead_state_status_check" check (("state" = 'OPEN' and "status_reason" in ('NEW', 'CONTACTED')) or ("state" = 'QUALIFIED' and "status_reason" = 'QUALIFIED') or ("state" = 'DISQUALIFIED' and "status_reason" in ('LOST', 'CANNOT_CONTACT', 'NO_LONGER_INTERESTED', 'CANCELED')));`);
    this.addSql(`alter table "lead" add column "rating_rank" smallint generated always as (case "rating" when 'HOT' then 3 when 'WARM' then 2 when 'COLD' then 1 else 0 end) stored;`);
    this.addSql(`alter table "lead" add column "search_text" text generated always as (lower(coalesce("topic", '') || ' ' || coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("company_name", '') || ' ' || coalesce("email", ''))) stored;`);
    this.addSql(`create index "lead_search_trgm_idx" on "lead" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "lead_topic_order_idx" on "lead" (lower("topic"), "id");`);
    this.addSql(`create index "lead_last_name_order_idx" on "lead" (lower("last_name"), "id");`);
    this.addSql(`create index "lead_company_name_order_idx" on "lead" (lower(coalesce("company_name", '')), "id");`);
    this.addSql(`create index "lead_rating_order_idx" on "lead" ("rating_rank", "id");`);
    this.addSql(`create index "lead_account_idx" on "lead" ("account_id");`);
    this.addSql(`create index "lead_contact_idx" on "lead" ("contact_id");`);
    this.addSql(`create index "lead_existing_account_idx" on "lead" ("existing_account_id");`);
    this.addSql(`create index "lead_existing_contact_idx" on "lead" ("existing_contact_id");`);
    this.addSql(`alter table "account" add constraint "account_name_check" check (length(btrim("name")) > 0);`);
    this.addSql(`alter table "account" add column "search_text" text generated always as (lower("name")) stored;`);
    this.addSql(`create index "account_search_trgm_idx" on "account" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "account_originating_lead_idx" on "account" ("originating_lead_id");`);
    this.addSql(`create index "account_order_idx" on "account" (lower("name"), "id");`);
    this.addSql(`alter table "contact" add constraint "contact_last_name_check" check (length(btrim("last_name")) > 0);`);
    this.addSql(`alter table "contact" add column "search_text" text generated always as (lower(coalesce("first_name", '') || ' ' || "last_name" || ' ' || coalesce("email", ''))) stored;`);
    this.addSql(`create index "contact_search_trgm_idx" on "contact" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "contact_originating_lead_idx" on "contact" ("originating_lead_id");`);
    this.addSql(`create index "contact_account_idx" on "contact" ("account_id");`);
    this.addSql(`create index "contact_order_idx" on "contact" (lower("last_name"), lower(coalesce("first_name", '')), "id");`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_estimated_value_check" check ("estimated_value" >= 0 and "estimated_value" <= 1000000000000);`);
    this.addSql(`create index "opportunity_state_idx" on "opportunity" ("state", "created_at", "id");`);
    this.addSql(`create index "opportunity_created_idx" on "opportunity" ("created_at", "id");`);
    this.addSql(`alter table "stakeholder" add constraint "stakeholder_parent_check" check (("lead_id" is null) <> ("opportunity_id" is null));`);
    this.addSql(`alter table "attachment" add constraint "attachment_size_check" check ("size_bytes" between 1 and 2097152 and octet_length("content") = "size_bytes");`);
    this.addSql(`alter table "activity" add constraint "activity_completed_check" check (("status" = 'COMPLETED') = ("completed_at" is not null));`);
    this.addSql(`insert into "currency" ("code", "name", "symbol", "is_base", "exchange_rate") values ('USD', 'US Dollar', '$', true, 1), ('EUR', 'Euro', '€', false, 0.92), ('GBP', 'Pound Sterling', '£', false, 0.79), ('JPY', 'Yen', '¥', false, 151.5), ('CAD', 'Canadian Dollar', 'CA$', false, 1.36), ('AUD', 'Australian Dollar', 'A$', false, 1.52), ('CHF', 'Swiss Franc', 'CHF', false, 0.88), ('INR', 'Indian Rupee', '₹', false, 83.3);`);
  }

  override async down(): Promise<void> {
    for (const t of ['activity', 'attachment', 'note', 'stakeholder', 'audit_entry', 'api_key']) {
      this.addSql(`drop table if exists "${t}" cascade;`);
    }
    for (const t of ['opportunity', 'lead', 'contact', 'account', 'currency', 'app_user']) {
      this.addSql(`drop table if exists "${t}" cascade;`);
    }
  }
}
