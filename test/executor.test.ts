import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import {
  getIntrospectionQuery, GraphQLBoolean, GraphQLEnumType, GraphQLError, GraphQLID, GraphQLInputObjectType, GraphQLInt,
  GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString, GraphQLUnionType,
  isObjectType, Kind, parse, valueFromASTUntyped, type DefinitionNode, type OperationDefinitionNode,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { formatError } from '../server/src/http/errors';
import { compiledExecution, type CompileOutcome } from '../server/src/http/executor';
import { createSchema } from '../server/src/schema';
import { startTestServer, type TestServer } from './support/server';
import { createLead } from './support/timeline';

/**
 * The compiled executor answers as graphql-js does: the same data, errors (with our
 * formatError), statuses and coercions, on a small schema that has each kind of thing in it and
 * on the service's own; what it cannot run as graphql-js would, graphql-js runs; and an
 * operation is compiled once.
 */

interface Ctx { calls: number[] }
type Row = { id: string; name: string | null; color: string; at: Date; n: number };

const ROWS: Row[] = [
  { id: '1', name: 'one', color: 'r', at: new Date('2026-01-01T00:00:00.000Z'), n: 1 },
  { id: '2', name: 'two', color: 'g', at: new Date('2026-01-02T00:00:00.000Z'), n: 2 },
  // An internal value the enum does not have: its serialization fails.
  { id: '3', name: null, color: 'z', at: new Date('2026-01-03T00:00:00.000Z'), n: 3 },
];

const Color = new GraphQLEnumType({ name: 'Color', values: { RED: { value: 'r' }, GREEN: { value: 'g' } } });

function parseStamp(value: unknown): Date {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new GraphQLError(`Stamp must be an ISO instant; got ${JSON.stringify(value)}`);
  return new Date(value);
}
const Stamp = new GraphQLScalarType<Date, string>({
  name: 'Stamp',
  serialize: (value) => {
    if (!(value instanceof Date)) throw new GraphQLError('Stamp cannot represent a non-Date value');
    return value.toISOString();
  },
  parseValue: parseStamp,
  parseLiteral: (ast) => parseStamp(ast.kind === Kind.STRING ? ast.value : undefined),
});
/** Reads "NaN" as NaN: graphql-js takes the literal, graphql-jit does not compile it. */
const Ratio = new GraphQLScalarType<number, number>({
  name: 'Ratio', serialize: Number, parseValue: Number,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.FLOAT && ast.kind !== Kind.INT) throw new GraphQLError('Ratio is a number');
    return Number(ast.value);
  },
});
/** Any JSON: its literals may hold variables. */
const Json = new GraphQLScalarType({
  name: 'Json', serialize: (v) => v, parseValue: (v) => v, parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

const Inner = new GraphQLInputObjectType({ name: 'Inner', fields: { limit: { type: GraphQLInt, defaultValue: 10 }, flag: { type: GraphQLBoolean } } });
const Filter = new GraphQLInputObjectType({
  name: 'Filter',
  fields: {
    colors: { type: new GraphQLList(new GraphQLNonNull(Color)) },
    after: { type: Stamp },
    inner: { type: Inner, defaultValue: { limit: 5 } },
    tag: { type: GraphQLString, defaultValue: 'x' },
    note: { type: GraphQLString },
  },
});

const Item: GraphQLObjectType<Row, Ctx> = new GraphQLObjectType<Row, Ctx>({
  name: 'Item',
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLID) },
    name: { type: GraphQLString },
    color: { type: Color },
    at: { type: Stamp },
    // A promise of a string: awaited, then serialized as an Int.
    count: { type: GraphQLInt, resolve: async (row) => String(row.n) },
    // Null in a non-null field: the nearest nullable parent becomes null.
    named: { type: new GraphQLNonNull(GraphQLString), resolve: (row) => row.name },
    refused: { type: GraphQLString, resolve: () => { throw new GraphQLError('No', { extensions: { code: 'FORBIDDEN' } }); } },
    crash: { type: GraphQLString, resolve: () => { throw new Error('boom'); } },
    down: {
      type: GraphQLString,
      resolve: async () => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }); },
    },
    next: { type: Item, resolve: (row) => ROWS.find((r) => Number(r.id) === row.n + 1) ?? null },
  }),
});
const Other = new GraphQLObjectType({ name: 'Other', fields: { label: { type: GraphQLString } } });
const Thing = new GraphQLUnionType({ name: 'Thing', types: [Item, Other], resolveType: (v: object) => ('label' in v ? 'Other' : 'Item') });

/** Arguments as a resolver got them: absent and null differ, NaN and Dates are spelled out. */
const show = (args: unknown) => JSON.stringify(args, function (key, value) {
  const raw = (this as Record<string, unknown>)[key];
  return typeof raw === 'number' && Number.isNaN(raw) ? 'NaN' : raw instanceof Date ? `Date(${raw.toISOString()})` : value;
});

const small = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, Ctx>({
    name: 'Query',
    fields: {
      items: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
        args: { first: { type: GraphQLInt, defaultValue: 2 }, filter: { type: Filter } },
        resolve: (_root, args: { first: number }) => ROWS.slice(0, args.first),
      },
      item: { type: Item, args: { id: { type: new GraphQLNonNull(GraphQLID) } }, resolve: (_root, args: { id: string }) => ROWS.find((r) => r.id === args.id) },
      things: { type: new GraphQLList(Thing), resolve: () => [ROWS[0], { label: 'other' }] },
      echo: {
        type: GraphQLString,
        args: { filter: { type: Filter }, at: { type: Stamp }, ratio: { type: Ratio }, json: { type: Json } },
        resolve: (_root, args) => show(args),
      },
    },
  }),
  mutation: new GraphQLObjectType<unknown, Ctx>({
    name: 'Mutation',
    fields: {
      // The first takes longest: run at once, they would finish in the wrong order.
      add: {
        type: new GraphQLNonNull(new GraphQLList(GraphQLInt)),
        args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_root, { n }: { n: number }, ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 30 - n * 10));
          ctx.calls.push(n);
          return [...ctx.calls];
        },
      },
    },
  }),
});

/**
 * Apollo's cache control plugin (on unless disabled, as createApollo does) wraps every field of
 * the schema in a resolver, which would hide what the executor does with fields that have none.
 */
const plugins = () => [ApolloServerPluginCacheControlDisabled()];

describe('on a small schema', () => {
  const outcomes: CompileOutcome[] = [];
  const js = new ApolloServer<Ctx>({ schema: small, formatError, plugins: plugins() });
  const jit = new ApolloServer<Ctx>({ gateway: compiledExecution(small, (o) => outcomes.push(o)), formatError, plugins: plugins() });
  beforeAll(async () => { await Promise.all([js.start(), jit.start()]); });
  afterAll(async () => { await Promise.all([js.stop(), jit.stop()]); });

  const run = async (server: ApolloServer<Ctx>, query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const res = await server.executeOperation({ query, variables, operationName }, { contextValue: { calls: [] } });
    if (res.body.kind !== 'single') throw new Error('not a single result');
    return { status: res.http.status, body: res.body.singleResult };
  };
  /** Runs the request on both servers, expects the same response, and returns it with what the executor did. */
  const same = async (query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const before = outcomes.length;
    const expected = await run(js, query, variables, operationName);
    const actual = await run(jit, query, variables, operationName);
    expect(actual).toEqual(expected);
    return { ...actual, outcome: outcomes.slice(before) };
  };

  test('data, leaves, fragments, aliases, __typename, unions and promises', async () => {
    const leaves = await same('{ items(first: 2) { id name color at count } }');
    expect(leaves.body.data).toEqual({ items: [
      { id: '1', name: 'one', color: 'RED', at: '2026-01-01T00:00:00.000Z', count: 1 },
      { id: '2', name: 'two', color: 'GREEN', at: '2026-01-02T00:00:00.000Z', count: 2 },
    ] });
    expect(leaves.outcome).toEqual(['compiled']);
    await same('query Q($f: Filter) { items(first: 3, filter: $f) { id ...F next { ...F next { id } } } } fragment F on Item { name color __typename }',
      { f: { colors: ['RED'] } });
    await same('{ a: items(first: 1) { id __typename } b: item(id: "2") { renamed: name } __typename }');
    const things = await same('{ things { __typename ... on Item { id } ... on Other { label } } }');
    expect(things.body.data).toEqual({ things: [{ __typename: 'Item', id: '1' }, { __typename: 'Other', label: 'other' }] });
    await same(getIntrospectionQuery());
  });

  test('errors: masked, coded, bubbling to the nearest nullable parent, and a database fault', async () => {
    const bubbled = await same('{ item(id: "3") { id named } items(first: 1) { id } }');
    expect(bubbled.body.data).toEqual({ item: null, items: [{ id: '1' }] });
    expect(bubbled.body.errors).toEqual([expect.objectContaining({ path: ['item', 'named'], extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    const root = await same('{ items(first: 3) { id named } }');
    expect(root.body.data).toBeNull();
    const coded = await same('{ item(id: "1") { refused crash } }');
    expect(coded.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'INTERNAL_SERVER_ERROR']);
    // A value the enum cannot serialize, in a list.
    await same('{ items(first: 3) { id color } }');
    // formatError finds the database fault behind the error: what http/graphql.ts turns into a 503.
    const down = await same('{ item(id: "1") { id down } }');
    expect(down.body.errors).toEqual([{ message: expect.stringMatching(/database/), extensions: { code: 'SERVICE_UNAVAILABLE' } }]);
  });

  test('@skip and @include, also on a fragment spread in two places', async () => {
    const twice = 'query($on: Boolean!) { a: item(id: "1") @skip(if: $on) { ...N } b: item(id: "2") @include(if: $on) { ...N } } fragment N on Item { name }';
    for (const on of [true, false]) expect((await same(twice, { on })).body.data).toEqual(on ? { b: { name: 'two' } } : { a: { name: 'one' } });
    const spreads = 'query($on: Boolean!) { a: item(id: "1") { id ...N @skip(if: $on) } b: item(id: "2") { id ...N } } fragment N on Item { name }';
    expect((await same(spreads, { on: true })).body.data).toEqual({ a: { id: '1' }, b: { id: '2', name: 'two' } });
  });

  test('variables: coerced with their defaults and nested defaults, or refused with graphql-js\'s BAD_USER_INPUT and 400', async () => {
    const echo = 'query($f: Filter, $at: Stamp) { echo(filter: $f, at: $at) }';
    const coerced = await same(echo, { f: { inner: { flag: true }, colors: ['GREEN'] }, at: '2026-05-01T10:00:00Z' });
    expect(JSON.parse(coerced.body.data?.echo as string)).toEqual({
      filter: { inner: { flag: true, limit: 10 }, colors: ['g'], tag: 'x' }, at: 'Date(2026-05-01T10:00:00.000Z)',
    });
    await same(echo, { f: {} });
    await same(echo, { f: null, at: null });
    await same('{ echo(filter: { colors: [RED], inner: {} }, at: "2026-05-01T10:00:00Z") }');
    for (const [query, variables] of [
      ['query($n: Int) { items(first: $n) { id } }', { n: 'x' }],
      [echo, { f: { colors: ['BLUE'] } }],
      [echo, { f: { nope: 1 } }],
      [echo, { at: 'yesterday' }],
      ['query($id: ID!) { item(id: $id) { id } }', {}],
    ] as const) {
      const refused = await same(query, variables);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  test('a variable left out inside an input literal stays out (graphql-js runs that request)', async () => {
    const query = 'query($c: Color!, $t: String) { echo(filter: { colors: [$c], note: $t }) }';
    const left = await same(query, { c: 'GREEN' });
    expect(JSON.parse(left.body.data?.echo as string)).toEqual({ filter: { colors: ['g'], inner: { limit: 5 }, tag: 'x' } });
    expect(left.outcome).toEqual(['compiled']);
    const given = await same(query, { c: 'GREEN', t: null });
    expect(JSON.parse(given.body.data?.echo as string).filter.note).toBeNull();
  });

  test('mutations run one after the other', async () => {
    const res = await same('mutation { a: add(n: 1) b: add(n: 2) c: add(n: 3) }');
    expect(res.body.data).toEqual({ a: [1], b: [1, 2], c: [1, 2, 3] });
  });

  test('an unknown operation name is graphql-js\'s error', async () => {
    const two = 'query A { items { id } } query B { item(id: "1") { id } }';
    expect((await same(two, undefined, 'C')).status).toBe(400);
    expect((await same(two, undefined, 'B')).body.data).toEqual({ item: { id: '1' } });
  });

  test('what graphql-jit would run otherwise, graphql-js runs', async () => {
    // graphql-jit refuses to compile a literal that reads as NaN.
    const nan = await same('{ echo(ratio: "NaN") }');
    expect(nan.body.data).toEqual({ echo: '{"ratio":"NaN"}' });
    expect(nan.outcome).toEqual(['fallback']);
    // A default JSON does not carry: graphql-jit would hand the resolver a string, not a Date.
    const date = await same('query($at: Stamp = "2026-01-01T00:00:00Z") { echo(at: $at) }');
    expect(date.body.data).toEqual({ echo: '{"at":"Date(2026-01-01T00:00:00.000Z)"}' });
    expect(date.outcome).toEqual(['fallback']);
    // A variable in a scalar's literal: graphql-jit reads the literal without variables.
    const json = await same('query($x: Int) { echo(json: { a: $x }) }', { x: 7 });
    expect(json.body.data).toEqual({ echo: '{"json":{"a":7}}' });
    expect(json.outcome).toEqual(['fallback']);
  });

  test('an operation is compiled once, on its first request', async () => {
    const query = 'query A { items { id } } query B { items(first: 1) { name } }';
    const first = await same(query, undefined, 'A');
    expect(first.outcome).toEqual(['compiled']);
    expect((await same(query, undefined, 'A')).outcome).toEqual([]);
    expect((await same(query, undefined, 'B')).outcome).toEqual(['compiled']);
    expect((await same(query, undefined, 'B')).outcome).toEqual([]);
    expect((await same(query, undefined, 'A')).outcome).toEqual([]);
  });
});

test('the service\'s schema: introspection answers alike', async () => {
  const schema = await createSchema();
  const js = new ApolloServer({ schema, introspection: true, plugins: plugins() });
  const jit = new ApolloServer({ gateway: compiledExecution(schema), introspection: true, plugins: plugins() });
  await Promise.all([js.start(), jit.start()]);
  try {
    const [a, b] = await Promise.all([js, jit].map((server) => server.executeOperation({ query: getIntrospectionQuery({ descriptions: true }) })));
    expect(b.body).toEqual(a.body);
  } finally {
    await Promise.all([js.stop(), jit.stop()]);
  }
});

test('every operation of the SDK is compiled', async () => {
  const schema = await createSchema();
  const outcomes: CompileOutcome[] = [];
  const { executor } = await compiledExecution(schema, (o) => outcomes.push(o)).load({ apollo: {} });
  const dir = join(__dirname, '../client-sdk/src/operations');
  const all = parse(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'));
  const isOperation = (d: DefinitionNode): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION;
  const operations = all.definitions.filter(isOperation);
  const fragments = all.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  expect(operations.length).toBeGreaterThan(20);
  for (const operation of operations) {
    // Without variables (refused before anything runs) and without a context: compiled all the same.
    await executor!({ document: { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, operation, request: {}, context: {} } as never);
  }
  expect(outcomes).toEqual(operations.map(() => 'compiled'));
});

/**
 * A field without a resolver is read as a plain value by the compiled executor: a promise or a
 * function there would be answered as such, not awaited or called as graphql-js would.
 */
test('no field read as a plain value is declared as a promise or a function', async () => {
  const schema = await createSchema();
  const storage = getMetadataStorage();
  const offenders: string[] = [];
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    for (const field of storage.fields.filter((f) => f.target === objectType.target)) {
      if (type.getFields()[field.schemaName]?.resolve) continue;
      const declared: unknown = Reflect.getMetadata('design:type', (objectType.target as { prototype: object }).prototype, field.name);
      if (declared === Promise || declared === Function) offenders.push(`${type.name}.${field.schemaName}`);
    }
  }
  expect(offenders).toEqual([]);
});

describe('on the service', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s?.stop(); });

  const compilations = async () => {
    const text = await (await fetch(s.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${s.users.admin.key}` } })).text();
    return Number(/leads_graphql_compilations_total\{outcome="compiled"\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  test('totalCount, a promise behind a getter, is answered as its number; the query is compiled once', async () => {
    const id = await createLead(s, s.users.sales);
    await s.gql('mutation($input: AddNoteInput!) { addNote(input: $input) { note { id } } }', { input: { leadId: id, text: 'Hello' } }, { as: s.users.sales });
    const query = 'query($id: ID!) { leads(first: 1) { totalCount } lead(id: $id) { timeline { totalCount nodes { __typename } } history { totalCount } } }';
    const before = await compilations();
    for (let i = 0; i < 3; i++) {
      const res = await s.gql(query, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data.leads.totalCount).toBeGreaterThanOrEqual(1);
      expect(res.data.lead.timeline).toEqual({ totalCount: 1, nodes: [{ __typename: 'Note' }] });
      expect(Number.isInteger(res.data.lead.history.totalCount)).toBe(true);
    }
    expect(await compilations()).toBe(before + 1);
  });

  test('an input field whose variable is left out is kept, not cleared', async () => {
    const id = await createLead(s, s.users.sales);
    await s.gql('mutation($input: UpdateLeadInput!) { updateLead(input: $input) { userErrors { code } } }',
      { input: { id, email: 'kept@example.com' } }, { as: s.users.sales });
    const update = 'mutation($id: ID!, $job: String, $email: String) { updateLead(input: { id: $id, jobTitle: $job, email: $email }) { lead { jobTitle email } userErrors { code } } }';
    const res = await s.gql(update, { id, job: 'Buyer' }, { as: s.users.sales });
    expect(res.data.updateLead).toEqual({ lead: { jobTitle: 'Buyer', email: 'kept@example.com' }, userErrors: [] });
  });

  test('a variable that does not fit its type is 400 BAD_USER_INPUT, in graphql-js\'s words', async () => {
    const res = await s.gql('query($first: Int) { leads(first: $first) { totalCount } }', { first: 'ten' });
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([{
      message: 'Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"',
      extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) },
    }]);
  });
});
