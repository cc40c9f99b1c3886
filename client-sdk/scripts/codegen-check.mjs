// Fails when client-sdk/src/generated is not what codegen.yml makes of schema.graphql and the
// operations: regenerates in memory and compares, leaving the work tree alone.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { parse } from 'yaml';

const root = process.cwd();
const config = parse(readFileSync(join(root, 'codegen.yml'), 'utf8'));
const outputs = await generate({ ...config, cwd: root, silent: true }, false);

const stale = [];
for (const { filename, content } of outputs) {
  let current = null;
  try {
    current = readFileSync(join(root, filename), 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (current !== content) stale.push(relative(root, join(root, filename)));
}
if (stale.length > 0) {
  console.error(`Generated SDK files are stale: ${stale.join(', ')}\nRun \`npm run codegen\` and commit the result.`);
  process.exit(1);
}
console.log(`codegen:check: ${outputs.length} generated files are up to date`);
