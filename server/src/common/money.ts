import { IsString } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { DecimalScalar } from './scalars';
import { IsMoneyAmount } from './validators';

@ObjectType({ simpleResolvers: true, description: 'An amount of money in a currency.' })
export class Money {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field(() => String)
  currencyCode!: string;
}

@InputType({ description: 'An amount (decimal string, at most 2 fraction digits, 0 to 1e12) in a known currency.' })
export class MoneyInput {
  @Field(() => DecimalScalar)
  @IsMoneyAmount()
  amount!: string;

  // No format rule: any code that is not one of the currencies query — "XYZ", "usd" or "" — is
  // UNKNOWN_CURRENCY, as in qualifyLeads: one code for one mistake in every operation.
  @Field(() => String, { description: 'A currency of the `currencies` query (ISO 4217, upper case, e.g. "USD"); any other value is UNKNOWN_CURRENCY.' })
  @IsString()
  currencyCode!: string;
}

/** Normalises an amount accepted by IsMoneyAmount to two fraction digits ("12500" → "12500.00"). */
export function normaliseAmount(amount: string): string {
  const [whole, frac = ''] = amount.trim().replace(/^\+/, '').split('.');
  return `${BigInt(whole).toString()}.${frac.padEnd(2, '0')}`;
}

export function money(amount: string | null | undefined, currencyCode: string | null | undefined): Money | null {
  if (amount === null || amount === undefined || !currencyCode) return null;
  return Object.assign(new Money(), { amount: normaliseAmount(amount), currencyCode });
}
