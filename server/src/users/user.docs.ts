import type { SchemaDocs } from '../common/schema-docs';

/** Users: the people and integrations that hold API keys (made with the admin command). */
export const USER_DOCS: SchemaDocs = {
  'User.id': 'The user\'s id (opaque).',
  'User.name': 'Display name.',
  'User.email': 'Email address; empty when a PARTNER reads another user (e.g. a lead\'s owner).',
  'User.role': 'What the user may do.',
  'Query.users(first:)': 'Page size, 1..100 (default 25); anything else is a top-level BAD_USER_INPUT.',
  'Query.users(after:)': 'An endCursor of the same search: the users after it.',
  'Query.users(search:)': 'Case-insensitive substring of the name or email; absent means all.',
  'Query.users(role:)': 'Users of any of these roles; empty or absent means all.',
};
