import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
