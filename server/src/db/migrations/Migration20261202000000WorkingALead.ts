import { Migration } from '@mikro-orm/migrations';

const ADDRESS = (table: string) => [
  `alter table "${table}" add column "address_line1" varchar(250) null, add column "address_line2" varchar(250) null,
     add column "address_city" varchar(80) null, add column "address_state_or_province" varchar(50) null,
     add column "address_postal_code" varchar(20) null, add column "address_country" varchar(80) null;`,
  // varchar(n) bounds the length; blank parts are stored as null, never as "".
  `alter table "${table}" add constraint "${table}_address_not_blank_check" check (
     coalesce(length(btrim("address_line1")), 1) > 0 and coalesce(length(btrim("address_line2")), 1) > 0
     and coalesce(length(btrim("address_city")), 1) > 0 and coalesce(length(btrim("address_state_or_province")), 1) > 0
     and coalesce(length(btrim("address_postal_code")), 1) > 0 and coalesce(length(btrim("address_country")), 1) > 0);`,
];

/**
 * Working a lead: when it was last worked and when it is next due (columns kept current by the
 * timeline commands, in their transactions), what qualify copies to the opportunity, account and
 * contact, and the indexes the new orderings and the users list page through.
 */
export class Migration20261202000000WorkingALead extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "lead" add column "last_activity_at" timestamptz(3) null, add column "next_follow_up_at" timestamptz(3) null;`);
    // The values of leads that have a timeline already.
    this.addSql(`update "lead" l set
       "next_follow_up_at" = (select min(a."due_at") from "activity" a where a."lead_id" = l."id" and a."status" = 'OPEN'),
       "last_activity_at" = (select max(t) from (
         select max(n."created_at") as t from "note" n where n."lead_id" = l."id"
         union all select max(greatest(a."created_at", a."completed_at")) from "activity" a where a."lead_id" = l."id") x);`);
    // Nulls last in both directions: an ascending order reads null as +infinity, a descending one
    // as -infinity; each direction has the expression index it scans, with id as the tiebreaker.
    this.addSql(`create index "lead_next_follow_up_asc_idx" on "lead" (coalesce("next_follow_up_at", 'infinity'::timestamptz), "id");`);
    this.addSql(`create index "lead_next_follow_up_desc_idx" on "lead" (coalesce("next_follow_up_at", '-infinity'::timestamptz), "id");`);
    this.addSql(`create index "lead_last_activity_asc_idx" on "lead" (coalesce("last_activity_at", 'infinity'::timestamptz), "id");`);
    this.addSql(`create index "lead_last_activity_desc_idx" on "lead" (coalesce("last_activity_at", '-infinity'::timestamptz), "id");`);
    this.addSql(`create index "lead_industry_idx" on "lead" ("industry");`);
    // The earliest due date among a lead's open activities, read when one is logged, completed or canceled.
    this.addSql(`create index "activity_open_due_idx" on "activity" ("lead_id", "due_at") where "status" = 'OPEN';`);

    this.addSql(`alter table "opportunity"
       add column "description" varchar(2000) null, add column "source" text null,
       add column "purchase_timeframe" text null, add column "purchase_process" text null, add column "budget_status" text null,
       add column "decision_maker_identified" boolean not null default false,
       add column "sales_stage" text not null default 'QUALIFY';`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_sales_stage_check" check ("sales_stage" in ('QUALIFY', 'DEVELOP', 'PROPOSE', 'CLOSE'));`);
    // Every opportunity so far was made by qualify, which leaves it at DEVELOP (the Qualify stage is the lead).
    this.addSql(`update "opportunity" set "sales_stage" = 'DEVELOP';`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_source_check" check ("source" in ('ADVERTISEMENT', 'EMPLOYEE_REFERRAL', 'EXTERNAL_REFERRAL', 'PARTNER', 'PUBLIC_RELATIONS', 'SEMINAR', 'TRADE_SHOW', 'WEB', 'WORD_OF_MOUTH', 'OTHER'));`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_purchase_timeframe_check" check ("purchase_timeframe" in ('IMMEDIATE', 'THIS_QUARTER', 'NEXT_QUARTER', 'THIS_YEAR', 'UNKNOWN'));`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_purchase_process_check" check ("purchase_process" in ('INDIVIDUAL', 'COMMITTEE', 'UNKNOWN'));`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_budget_status_check" check ("budget_status" in ('NO_COMMITTED_BUDGET', 'MAY_BUY', 'CAN_BUY', 'WILL_BUY'));`);

    for (const sql of ADDRESS('account')) this.addSql(sql);
    this.addSql(`alter table "contact" add column "mobile_phone" varchar(50) null;`);
    for (const sql of ADDRESS('contact')) this.addSql(sql);

    this.addSql(`create index "app_user_name_order_idx" on "app_user" (lower("name"), "id");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "app_user_name_order_idx";');
    this.addSql(`alter table "contact" drop column "mobile_phone", drop column "address_line1", drop column "address_line2", drop column "address_city", drop column "address_state_or_province", drop column "address_postal_code", drop column "address_country";`);
    this.addSql(`alter table "account" drop column "address_line1", drop column "address_line2", drop column "address_city", drop column "address_state_or_province", drop column "address_postal_code", drop column "address_country";`);
    this.addSql(`alter table "opportunity" drop column "description", drop column "source", drop column "purchase_timeframe", drop column "purchase_process", drop column "budget_status", drop column "decision_maker_identified", drop column "sales_stage";`);
    this.addSql('drop index if exists "activity_open_due_idx";');
    this.addSql('drop index if exists "lead_industry_idx";');
    this.addSql(`alter table "lead" drop column "last_activity_at", drop column "next_follow_up_at";`);
  }
}
