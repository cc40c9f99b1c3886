import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

const DECIMAL = /^[+-]?\d{1,30}(\.\d{1,30})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) {
    throw new GraphQLError(`Decimal must be a string of digits with an optional fraction, e.g. "12500.00"; got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

/**
 * A decimal number carried as a string (`"12500.00"`), so that money never passes through a
 * binary float. Range and precision rules belong to the field and are reported as userErrors.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'A decimal number as a string, e.g. "12500.00". Money amounts have at most 2 fraction digits.',
  serialize(value) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    throw new GraphQLError('Decimal cannot represent a non-decimal value');
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Decimal must be written as a string, e.g. "12500.00"', { nodes: ast });
    return parseDecimal(ast.value);
  },
});

/** The instants every input timestamp must lie between: years 1 to 9999, which PostgreSQL stores. */
export const MIN_DATE = new Date('0001-01-01T00:00:00.000Z');
export const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

function inRange(value: unknown): unknown {
  if (value instanceof Date && (value < MIN_DATE || value > MAX_DATE)) {
    throw new GraphQLError(`DateTime must be between ${MIN_DATE.toISOString()} and ${MAX_DATE.toISOString()}; got ${value.toISOString()}`);
  }
  return value;
}

/**
 * ISO-8601 UTC timestamps (`2026-01-31T09:30:00.000Z`): graphql-scalars' DateTime, limited to
 * years 1..9999 so that an input such as year 0000 is refused as input (BAD_USER_INPUT) rather
 * than failing in the database.
 */
const base = DateTimeResolver.toConfig();
export const DateTimeScalar = new GraphQLScalarType({
  ...base,
  parseValue: (value) => inRange(base.parseValue!(value)),
  parseLiteral: (ast, variables) => inRange(base.parseLiteral!(ast, variables)),
});
