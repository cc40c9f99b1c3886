// `npm run codegen:check` (run by CI) must fail when an operation changed without codegen.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const checkScript = path.join(root, 'client-sdk/scripts/codegen-check.mjs');

/** A copy of what codegen reads and writes, where operations can be changed safely. */
function sandbox(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-codegen-'));
  for (const p of ['codegen.yml', 'schema.graphql', 'client-sdk/src/operations', 'client-sdk/src/generated', 'client-sdk/scripts/codegen-operation-docs.cjs']) {
    cpSync(path.join(root, p), path.join(dir, p), { recursive: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

async function check(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [checkScript], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

test('codegen:check passes on the committed output and fails once an operation changes without codegen', async () => {
  const dir = sandbox();
  try {
    expect(await check(dir)).toMatchObject({ code: 0 });

    const ops = path.join(dir, 'client-sdk/src/operations/leads.graphql');
    writeFileSync(ops, readFileSync(ops, 'utf8').replace('query me {\n  me {\n', 'query me {\n  me {\n    id\n    __typename\n'));
    const stale = await check(dir);
    expect(stale.code).not.toBe(0);
    expect(stale.output).toContain('client-sdk/src/generated/graphql.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
