import type { SchemaDocs } from './schema-docs';

/** Descriptions of the shared types: pages, errors, money, the root types. */
export const COMMON_DOCS: SchemaDocs = {
  Query: 'Reads. Every query needs an API key (Authorization: Bearer <key>); what each returns depends on the caller\'s role, as each says.',
  Mutation: 'Business actions, one per mutation, each one transaction: `input: <Name>Input!` in, `<Name>Payload!` out. Business-rule failures come back in the payload\'s `userErrors` and write nothing; operations a role may not run at all are a top-level FORBIDDEN.',

  PageInfo: 'Where a page sits in its connection.',
  'PageInfo.hasNextPage': 'True when there are more items after this page: ask again with `after: endCursor`.',
  'PageInfo.startCursor': 'The cursor of the first item of the page; null when the page is empty.',
  'PageInfo.endCursor': 'The cursor of the last item of the page, to pass as `after` for the next page; null when the page is empty.',
  '*Connection.edges': 'The items of this page, each with its cursor, in the list\'s order.',
  '*Connection.nodes': 'The items of this page, in the list\'s order (the edges\' nodes, without cursors).',
  '*Connection.pageInfo': 'Cursors of this page and whether more follow.',
  '*Edge': 'An item of a page of $1 items, with its cursor.',
  '*Edge.cursor': 'Opaque position of this item: pass it as `after` to read the items that follow it. Valid only for the same list and ordering.',
  '*Edge.node': 'The item.',

  UserError: 'A business-rule failure of a mutation; the mutation wrote nothing for it.',
  'UserError.code': 'The kind of failure, to switch on; each code means one kind of mistake in every operation.',
  'UserError.message': 'What went wrong, for people (may change; do not parse it).',

  Money: 'An amount of money in a currency.',
  'Money.amount': 'A decimal string with two fraction digits, e.g. "12500.00"; 0 to 1e12.',
  'Money.currencyCode': 'ISO 4217 code of a currency of the `currencies` query, e.g. "USD".',
  'MoneyInput.amount': 'A decimal string with at most 2 fraction digits, from 0 to 1e12 inclusive, e.g. "12500" or "99.5"; a JSON number is refused. Otherwise VALIDATION.',

  '*Payload.userErrors': 'Business-rule failures; when it is empty the mutation succeeded (and wrote), when not nothing was written.',
};
