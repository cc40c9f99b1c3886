// The schema documents itself: every type, field, argument, input field and enum value of the
// committed schema.graphql has a description, and every description the features keep in their
// `<feature>.docs.ts` names an element that exists.
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'server/dist');
// The compiled modules, as the service runs them (npm test builds first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const docs = require(path.join(dist, 'common/schema-docs.js')) as typeof import('../server/src/common/schema-docs');
const committed = () => buildSchema(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8'));

test('every element of schema.graphql has a description', () => {
  const missing = docs.undocumented(committed());
  if (missing.length > 0) {
    throw new Error(`${missing.length} schema elements have no description; add them to the feature's <feature>.docs.ts (or its decorator), then npm run schema:emit:\n  ${missing.join('\n  ')}`);
  }
});

test('every description in the docs files names an element of the schema', () => {
  require('reflect-metadata');
  const { SCHEMA_DOCS } = require(path.join(dist, 'schema.js')) as typeof import('../server/src/schema');
  // applySchemaDocs reports the coordinates that name nothing (a renamed field, a typo).
  expect(docs.applySchemaDocs(committed(), SCHEMA_DOCS)).toEqual([]);
});

test('every query and mutation says which roles may use it', () => {
  const schema = committed();
  for (const type of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const field of Object.values(type.getFields())) {
      if (!/\b(ADMIN|MANAGER|SALESPERSON|PARTNER|Every role)\b/.test(field.description ?? '')) {
        throw new Error(`${type.name}.${field.name} does not say which roles may use it: ${field.description}`);
      }
    }
  }
});

test('the walk finds what is missing', () => {
  const probe = buildSchema('"""Documented."""\ntype Query { a(x: Int): Int }\nenum E { V }');
  expect(docs.undocumented(probe)).toEqual(['Query.a', 'Query.a(x:)', 'E', 'E.V']);
  expect(docs.applySchemaDocs(probe, { 'Query.a': 'A.', 'Query.a(x:)': 'X.', 'Query.b': 'gone', '*E.V': 'no such type' })).toEqual(['Query.b', '*E.V']);
  expect(docs.undocumented(probe)).toEqual(['E', 'E.V']);
});
