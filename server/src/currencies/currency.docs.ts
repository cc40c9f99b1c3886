import type { SchemaDocs } from '../common/schema-docs';

/** Currencies: the codes money may be in, and their rates against the base currency. */
export const CURRENCY_DOCS: SchemaDocs = {
  'Currency.name': 'The currency\'s name, e.g. "US Dollar".',
  'Currency.symbol': 'Its symbol, e.g. "$".',
  'Currency.isBase': 'Whether it is the base currency (exchange rate 1), which rates are against.',
};
