import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');

async function typecheck(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [tsc, '-p', project], { cwd: root });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

test('the SDK type tests compile: every @ts-expect-error line is an error, every expectTypeOf holds', async () => {
  const { code, output } = await typecheck(path.join(root, 'client-sdk/test-d'));
  expect(output).toBe('');
  expect(code).toBe(0);
});

test('a @ts-expect-error line that is no longer an error fails the type tests', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-type-probe-'));
  try {
    const index = path.join(root, 'client-sdk/src/index.js');
    writeFileSync(path.join(dir, 'probe.ts'), [
      `import { createLeadsClient } from ${JSON.stringify(index)};`,
      `const client = createLeadsClient({ url: 'u', apiKey: 'k' });`,
      `// @ts-expect-error -- but these variables are right`,
      `export const p = client.lead({ id: 'a-lead-id' });`,
    ].join('\n'));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      extends: path.join(root, 'client-sdk/test-d/tsconfig.json'),
      compilerOptions: { rootDir: '/' },
      include: ['probe.ts'],
    }));
    const { code, output } = await typecheck(dir);
    expect(code).not.toBe(0);
    expect(output).toContain("error TS2578: Unused '@ts-expect-error' directive");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every method of the client has documentation: its root field\'s description from the schema, or the helper\'s own', () => {
  // What an editor shows on hover: the documentation TypeScript finds for each member of LeadsClient.
  const ts = require('typescript') as typeof import('typescript');
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-docs-probe-'));
  try {
    const probe = path.join(dir, 'probe.ts');
    writeFileSync(probe, `import type { LeadsClient } from ${JSON.stringify(path.join(root, 'client-sdk/src/index.js'))};\nexport declare const client: LeadsClient;\n`);
    const program = ts.createProgram([probe], { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(probe)!;
    const client = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === 'client')!;
    const type = checker.getTypeOfSymbolAtLocation(client, source);
    const docs = Object.fromEntries(type.getProperties().map((p) => [p.name, ts.displayPartsToString(p.getDocumentationComment(checker))]));

    const schema = readFileSync(path.join(root, 'schema.graphql'), 'utf8');
    expect(Object.keys(docs).length).toBeGreaterThan(35);
    for (const [name, text] of Object.entries(docs)) {
      if (!text) throw new Error(`client.${name} has no documentation`);
    }
    // Operations carry their root field's description and their GraphQL signature.
    expect(docs.qualifyLeads).toContain('Qualifies 1..1000 OPEN leads');
    expect(schema).toContain('Qualifies 1..1000 OPEN leads');
    expect(docs.createLead).toMatch(/GraphQL: `mutation createLead\(\$input: CreateLeadInput!\)`/);
    expect(docs.lead).toMatch(/null when it does not exist/);
    expect(docs.paginateLeads).toMatch(/Every lead matching/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README\'s lead journey compiles as written, without a non-null assertion', async () => {
  const readme = readFileSync(path.join(root, 'client-sdk/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The lead journey'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)![1];
  expect(block).toContain('isOk(');
  expect(block).not.toMatch(/[\w)\]]!(?=[.)[\s,;])/); // no `x!.y`, `f()!`, `a[0]!`
  const index = path.join(root, 'client-sdk/src/index.js');
  const body = block.replace(/^import \{([^}]*)\} from '@leads\/client';\n/m, '');
  const imports = /^import \{([^}]*)\} from '@leads\/client';/m.exec(block)![1];
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-readme-probe-'));
  try {
    writeFileSync(path.join(dir, 'journey.mts'), [
      `import {${imports}} from ${JSON.stringify(index)};`,
      `export async function journey(client: ReturnType<typeof createLeadsClient>) {`,
      body,
      `}`,
    ].join('\n'));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      extends: path.join(root, 'client-sdk/test-d/tsconfig.json'),
      compilerOptions: { rootDir: '/', noUnusedLocals: false },
      include: ['journey.mts'],
    }));
    const { code, output } = await typecheck(dir);
    expect(output).toBe('');
    expect(code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
