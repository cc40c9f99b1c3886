import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { canListUsers } from '../access/policy';
import { Role } from '../common/enums';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import type { Row } from '../common/rows';
import { searchTerm } from '../common/search';
import type { Context } from '../context';
import { User } from './user.entity';
import { findUsers } from './user.queries';

export const UserConnection = connectionType<User>('User', () => User);

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { description: 'The caller: its id, name, email and role. Every role.' })
  me(@Ctx() ctx: Context): User {
    return ctx.actor;
  }

  @Authorized()
  @Query(() => UserConnection, { description: 'Users by name, e.g. to pick an owner; `search` matches name or email case-insensitively, `role` any of the roles given. A page of `first` (1..100, default 25) after `after`. ADMIN, MANAGER, SALESPERSON; empty for a PARTNER.' })
  users(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('role', () => [Role], { nullable: true }) role?: Role[] | null,
  ): Promise<ConnectionShape<Row<User>>> {
    const term = searchTerm(search);
    const size = pageSize(first);
    if (!canListUsers(ctx.actor)) return Promise.resolve(emptyConnection());
    return findUsers(ctx.em, { first: size, after, term, roles: role });
  }
}
