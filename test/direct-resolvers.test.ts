import 'reflect-metadata';
import { createSchema } from '../server/src/schema';
import { callFieldResolversDirectly } from '../server/src/common/direct-resolvers';

/**
 * The list view's field resolvers are called directly, without type-graphql's per-call wrapper;
 * resolvers that take arguments, or that the wrapper converts a parent for, keep the wrapper.
 */
test('plain field resolvers are called directly; those with arguments or a converted parent are not', async () => {
  const schema = await createSchema();
  const rewired = callFieldResolversDirectly(schema);
  expect(rewired).toEqual(expect.arrayContaining(['Lead.owner', 'Lead.stakeholders', 'Stakeholder.contact', 'Contact.account', 'Contact.fullName', 'Lead.fullName']));
  // timeline and history take paging arguments; Currency.exchangeRate's parent is converted to a Currency.
  for (const kept of ['Lead.timeline', 'Lead.history', 'Currency.exchangeRate']) expect(rewired).not.toContain(kept);
});

test('a rewired resolver answers from its parent row as before', async () => {
  const schema = await createSchema();
  const fullName = schema.getType('Lead') as import('graphql').GraphQLObjectType;
  const resolve = fullName.getFields().fullName.resolve!;
  expect(resolve({ firstName: 'Ada', lastName: 'Lovelace' }, {}, {}, {} as never)).toBe('Ada Lovelace');
  expect(resolve({ firstName: null, lastName: 'Hopper' }, {}, {}, {} as never)).toBe('Hopper');
});

test('a union\'s resolveType answers at once, not with a promise', async () => {
  const schema = await createSchema();
  const union = schema.getType('TimelineItem') as import('graphql').GraphQLUnionType;
  expect(union.resolveType!({ kind: 'TASK' }, {}, {} as never, union)).toBe('Activity');
  expect(union.resolveType!({ text: 'Met at the fair' }, {}, {} as never, union)).toBe('Note');
});
