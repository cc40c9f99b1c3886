import { Migration } from '@mikro-orm/migrations';

/**
 * Web-to-lead forms: each one a key (stored only as its SHA-256 hash, unique, so that the route
 * finds a form by one index lookup), a name, the user who owns the leads it receives, and an
 * optional http(s) URL to send the browser to afterwards.
 */
export class Migration20261203000000WebForms extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "web_form" (
      "id" uuid not null,
      "name" varchar(200) not null,
      "owner_id" uuid not null,
      "key_hash" varchar(64) not null,
      "redirect_url" varchar(2000) null,
      "created_at" timestamptz(3) not null,
      "revoked_at" timestamptz(3) null,
      constraint "web_form_pkey" primary key ("id"),
      constraint "web_form_key_hash_unique" unique ("key_hash"),
      constraint "web_form_redirect_url_check" check ("redirect_url" ~ '^https?://'),
      constraint "web_form_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade
    );`);
    this.addSql(`create index "web_form_owner_idx" on "web_form" ("owner_id");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "web_form";');
  }
}
