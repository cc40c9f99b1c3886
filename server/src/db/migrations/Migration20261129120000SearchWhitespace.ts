import { Migration } from '@mikro-orm/migrations';

const SEARCH_COLUMNS: [table: string, expression: string][] = [
  ['lead', `coalesce("topic", '') || ' ' || coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("company_name", '') || ' ' || coalesce("email", '')`],
  ['account', `"name"`],
  ['contact', `coalesce("first_name", '') || ' ' || "last_name" || ' ' || coalesce("email", '')`],
];

/**
 * Search text folds runs of white space into one space, as search terms do, so that
 * "Contoso Ltd" finds "CONTOSO  Ltd" — the same leniency duplicate detection has.
 */
export class Migration20261129120000SearchWhitespace extends Migration {
  override async up(): Promise<void> {
    for (const [table, expression] of SEARCH_COLUMNS) {
      this.addSql(`alter table "${table}" drop column "search_text";`);
      this.addSql(`alter table "${table}" add column "search_text" text generated always as (regexp_replace(lower(${expression}), '\\s+', ' ', 'g')) stored;`);
      this.addSql(`create index "${table}_search_trgm_idx" on "${table}" using gin ("search_text" gin_trgm_ops);`);
    }
  }

  override async down(): Promise<void> {
    for (const [table, expression] of SEARCH_COLUMNS) {
      this.addSql(`alter table "${table}" drop column "search_text";`);
      this.addSql(`alter table "${table}" add column "search_text" text generated always as (lower(${expression})) stored;`);
      this.addSql(`create index "${table}_search_trgm_idx" on "${table}" using gin ("search_text" gin_trgm_ops);`);
    }
  }
}
