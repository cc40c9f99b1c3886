import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { DecimalScalar } from '../common/scalars';
import type { Context } from '../context';
import { Currency } from './currency.entity';

/** "0.9200000000" → "0.92", "1.0000000000" → "1". */
function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

@Resolver(() => Currency)
export class CurrencyResolver {
  @Authorized()
  @Query(() => [Currency], { description: 'Known currencies with their exchange rates, the base currency first. Every role.' })
  currencies(@Ctx() ctx: Context): Promise<Currency[]> {
    return ctx.em.find(Currency, {}, { orderBy: { isBase: 'desc', code: 'asc' } });
  }

  @FieldResolver(() => DecimalScalar, { description: 'Units of this currency per 1 unit of the base currency; the base currency has 1.' })
  exchangeRate(@Root() currency: Currency): string {
    return trimDecimal(currency.exchangeRate);
  }
}
