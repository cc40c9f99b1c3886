import type { SchemaDocs } from '../common/schema-docs';

/** Accounts: companies. Staff read them all; to a PARTNER there are none. */
export const ACCOUNT_DOCS: SchemaDocs = {
  'Account.id': 'The account\'s id (opaque).',
  'Account.name': 'The company\'s name as typed; qualifying matches accounts on it, ignoring case and spaces.',
  'Account.website': 'The company\'s web site.',
  'Account.phone': 'The company\'s phone.',
  'Account.industry': 'The company\'s industry.',
  'Account.primaryContact': 'The main person to talk to: the contact made or linked when the account was created by qualifying.',
  'Account.originatingLead': 'The lead whose qualification created or first linked this account; null once that lead is deleted.',
  'Account.createdAt': 'When the account was created.',
  'Query.account(id:)': 'The account\'s id; an id that is not one gives null.',
  'Query.accounts(first:)': 'Page size, 1..100 (default 25); anything else is a top-level BAD_USER_INPUT.',
  'Query.accounts(after:)': 'An endCursor of the same search: the accounts after it.',
  'Query.accounts(search:)': 'Case-insensitive substring of the name, at most 100 characters; absent means all.',
};
