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

/** ISO-8601 UTC timestamps (`2026-01-31T09:30:00.000Z`). */
export const DateTimeScalar = DateTimeResolver;
