import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createSchema } from './schema';

/** The committed SDL beside package.json; clients and the SDK's codegen read it. */
export const SCHEMA_FILE = path.resolve(__dirname, '../../schema.graphql');

export async function renderSchema(): Promise<string> {
  const schema = await createSchema();
  return `# Generated from the server's type-graphql schema by \`npm run schema:emit\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}

async function main(): Promise<void> {
  const sdl = await renderSchema();
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (committed !== sdl) {
      process.stderr.write('schema.graphql is stale: run `npm run schema:emit` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('schema.graphql is up to date.\n');
    return;
  }
  fs.writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
