import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { User } from './user.entity';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { description: 'The caller: its id, name, email and role. Every role.' })
  me(@Ctx() ctx: Context): User {
    return ctx.actor;
  }
}
