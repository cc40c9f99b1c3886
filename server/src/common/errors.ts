import { GraphQLError } from 'graphql';
import { Field, ObjectType } from 'type-graphql';
import { UserErrorCode } from './enums';

/** A business-rule failure, returned in a payload rather than thrown. */
@ObjectType({ simpleResolvers: true, description: 'A business-rule failure of a mutation; the mutation wrote nothing for it.' })
export class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field(() => String)
  message!: string;

  @Field(() => [String], { nullable: true, description: 'The input path of the offending argument, e.g. ["input","email"].' })
  field?: string[] | null;
}

export function userError(code: UserErrorCode, message: string, field?: string[]): UserError {
  return Object.assign(new UserError(), { code, message, field: field ?? null });
}

export const notFound = (what: string, field?: string[]) =>
  userError(UserErrorCode.NOT_FOUND, `${what} not found`, field);

/** The top-level error codes of the contract (GraphQL `errors[].extensions.code`). */
export enum ApiErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  THROTTLED = 'THROTTLED',
  /** A path that names nothing, or an attachment the caller may not see. */
  NOT_FOUND = 'NOT_FOUND',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** The database cannot be reached or answer in time (HTTP 503 with Retry-After): retry later. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}

/** An argument outside its allowed range, such as `first: 1000`. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ApiErrorCode.BAD_USER_INPUT, ...(argument ? { argument } : {}), http: { status: 400 } },
  });
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError('A valid API key is required: send "Authorization: Bearer <api key>".', {
    extensions: { code: ApiErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}
