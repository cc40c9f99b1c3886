import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../common/scalars';

@ObjectType({ simpleResolvers: true, description: 'A currency and its exchange rate against the base currency.' })
@Entity({ tableName: 'currency' })
export class Currency {
  [PrimaryKeyProp]?: 'code';

  @Field(() => String, { description: 'ISO 4217 code' })
  @PrimaryKey({ type: 'string', length: 3 })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 10 })
  symbol!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isBase!: boolean;

  @Field(() => DecimalScalar, { description: 'Units of this currency per 1 unit of the base currency; the base currency has 1.' })
  @Property({ type: 'decimal', precision: 20, scale: 10 })
  exchangeRate!: string;
}
