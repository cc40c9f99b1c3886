import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129000000Initial } from './Migration20261129000000Initial';
import { Migration20261129120000SearchWhitespace } from './Migration20261129120000SearchWhitespace';
import { Migration20261129130000IdempotencyKeys } from './Migration20261129130000IdempotencyKeys';
import { Migration20261201000000RateLimits } from './Migration20261201000000RateLimits';
import { Migration20261201120000IdempotencyResponseText } from './Migration20261201120000IdempotencyResponseText';
import { Migration20261202000000WorkingALead } from './Migration20261202000000WorkingALead';
import { Migration20261202120000Duplicates } from './Migration20261202120000Duplicates';
import { Migration20261203000000WebForms } from './Migration20261203000000WebForms';

/** The committed migrations, oldest first. A new one is added here as well as in this folder. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261129000000Initial', class: Migration20261129000000Initial },
  { name: 'Migration20261129120000SearchWhitespace', class: Migration20261129120000SearchWhitespace },
  { name: 'Migration20261129130000IdempotencyKeys', class: Migration20261129130000IdempotencyKeys },
  { name: 'Migration20261201000000RateLimits', class: Migration20261201000000RateLimits },
  { name: 'Migration20261201120000IdempotencyResponseText', class: Migration20261201120000IdempotencyResponseText },
  { name: 'Migration20261202000000WorkingALead', class: Migration20261202000000WorkingALead },
  { name: 'Migration20261202120000Duplicates', class: Migration20261202120000Duplicates },
  { name: 'Migration20261203000000WebForms', class: Migration20261203000000WebForms },
];
