import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetPage, likePattern } from '../common/keyset';
import type { ConnectionShape } from '../common/pagination';
import { RowReader, type Row } from '../common/rows';
import { Contact } from './contact.entity';

export const contactRows = new RowReader(Contact, { computed: { fullName: ['firstName', 'lastName'] } });

/** The `contacts` query: by last name, first name; `term` matches name or email case-insensitively. */
export function findContacts(em: EntityManager, args: { first: number; after?: string | null; term: string | null }): Promise<ConnectionShape<Row<Contact>>> {
  return keysetPage(em, contactRows, {
    alias: 'c', direction: 'asc', first: args.first, after: args.after, tag: 'contact:name',
    sort: [{ sql: 'lower(c.last_name)', cast: 'text' }, { sql: "lower(coalesce(c.first_name, ''))", cast: 'text' }],
    where: args.term ? "c.search_text like lower(?) escape '\\'" : 'true', params: args.term ? [likePattern(args.term)] : [],
  });
}
