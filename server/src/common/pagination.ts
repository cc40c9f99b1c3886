import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badUserInput } from './errors';
import { isUuid } from './ids';
import { unstorable } from './text';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its connection.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when the page was asked for `after` a cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** The shape every connection type has; `connectionType` builds the GraphQL classes. */
export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** A getter, so that the count query runs only when the field is selected. */
  readonly totalCount: Promise<number>;
}

/**
 * Builds `<Name>Connection` and `<Name>Edge` object types for a node type (a class, or a
 * union from `createUnionType`).
 */
export function connectionType<T extends object>(name: string, node: () => ClassType<T> | object) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} items with cursors.` })
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node()])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    // Not simple: the value is a promise, and only a resolver's result is awaited. A field
    // without one is read as a plain value by the compiled executor (http/executor.ts).
    @Field(() => Int, { simple: false, description: 'All items matching the filter, across pages.' })
    readonly totalCount!: Promise<number>;
  }
  return Connection as ClassType<ConnectionShape<T>>;
}

/** A connection with nothing in it: what a caller sees of a list it may not read. */
export function emptyConnection<T>(): ConnectionShape<T> {
  return toConnection<T>([], 1, null, 'empty', () => [], async () => 0);
}

/** Checks `first` against the contract's 1..100 (default 25); anything else is BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 1 and ${MAX_PAGE_SIZE}; got ${first}`, 'first');
  }
  return first;
}

export type CursorValue = string | number | null;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An instant as cursors carry it: ISO-8601 UTC with milliseconds (the precision every
 * timestamp column has). PostgreSQL's own text form ("2026-01-31 09:30:00.123+00") and Dates
 * are converted.
 */
export function isoInstant(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  // The common case, rewritten without a Date: "2026-01-31 09:30:00.123+00" (UTC, milliseconds).
  if (typeof value === 'string' && value.length === 26 && value.endsWith('+00') && value[10] === ' ' && value[19] === '.') {
    return `${value.slice(0, 10)}T${value.slice(11, 23)}Z`;
  }
  return new Date(String(value).replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')).toISOString();
}

/**
 * Whether a cursor's value can be what an ordering compares: a cursor is the client's to send,
 * so a value of the wrong type — or an instant PostgreSQL cannot hold — is bad input, not a
 * query that fails.
 */
export function cursorValueFits(value: CursorValue, type: 'timestamptz' | 'text' | 'int' | 'uuid'): boolean {
  switch (type) {
    case 'uuid': return isUuid(value);
    case 'int': return typeof value === 'number' && Number.isSafeInteger(value);
    case 'text': return typeof value === 'string';
    // It must read back as itself: that refuses 31 February and the like, which PostgreSQL would.
    default: return typeof value === 'string' && ISO_INSTANT.test(value) && value >= '0001'
      && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
  }
}

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} for a connection whose sort key has `arity`
 * values (the last one being the id). A cursor from another connection or ordering, or a
 * tampered one, is BAD_USER_INPUT rather than a silently wrong page.
 */
export function decodeCursor(cursor: string | null | undefined, arity: number, tag: string): CursorValue[] | null {
  if (cursor === undefined || cursor === null) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === arity + 1 && parsed[0] === tag &&
        parsed.slice(1).every((v) => v === null || (typeof v === 'string' && !unstorable(v)) || typeof v === 'number') &&
        typeof parsed[arity] === 'string') {
      return parsed.slice(1) as CursorValue[];
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput('"after" is not a cursor of this list (it may belong to another list or ordering)', 'after');
}

/**
 * Assembles a page from rows fetched with `limit + 1` (the extra row only says that there is a
 * next page). `key` gives a row's sort values ending with its id; `tag` names the ordering so
 * that cursors are not mixed between orderings.
 */
export function toConnection<T>(
  rows: T[], limit: number, after: string | null | undefined, tag: string,
  key: (row: T) => CursorValue[], count: () => Promise<number>,
): ConnectionShape<T> {
  const page = rows.slice(0, limit);
  const cursorOf = (node: T) => encodeCursor([tag, ...key(node)]);
  // Cursors are encoded when a response asks for them, not for every edge of every page.
  const edges = page.map((node) => ({ node, get cursor() { return cursorOf(node); } }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: after !== undefined && after !== null,
      get startCursor() { return page.length ? cursorOf(page[0]) : null; },
      get endCursor() { return page.length ? cursorOf(page[page.length - 1]) : null; },
    },
    get totalCount() {
      return count();
    },
  };
}
