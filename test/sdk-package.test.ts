// The SDK as a partner gets it: the packed tarball, installed into an empty project (not the
// workspace link), used from ESM and CommonJS against the real server.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './support/server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const sdkDir = path.join(root, 'client-sdk');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let s: TestServer;
let work: string;
let tarball: string;
let consumer: string;

beforeAll(async () => {
  if (!existsSync(path.join(sdkDir, 'dist/cjs/index.js'))) throw new Error('client-sdk/dist is missing: run `npm run build` first (npm test does)');
  s = await startTestServer();
  work = mkdtempSync(path.join(tmpdir(), 'leads-sdk-pack-'));
  // --ignore-scripts: pack the dist that `npm run build` made; prepack would rebuild it under
  // the feet of test files that load it at the same time.
  const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: sdkDir });
  tarball = path.join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);

  consumer = path.join(work, 'consumer');
  await run('mkdir', ['-p', consumer]);
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }));
  await run(npm, ['install', tarball, 'graphql@16', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: consumer });
}, 180_000);

afterAll(async () => {
  await s?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const script = (load: string) => `${load}
const client = createLeadsClient({ url: process.env.LEADS_URL, apiKey: process.env.LEADS_API_KEY });
const me = await client.me();
const page = await client.leads({ first: 5 });
let unauthenticated;
try {
  await createLeadsClient({ url: process.env.LEADS_URL, apiKey: 'wrong' }).me();
} catch (e) {
  unauthenticated = e instanceof LeadsApiError ? e.code : String(e);
}
console.log(JSON.stringify({ me: me.id, totalCount: page.totalCount, unauthenticated, document: LeadsDocument.kind }));
`;

async function runConsumer(file: string, source: string) {
  writeFileSync(path.join(consumer, file), source);
  const { stdout } = await run(process.execPath, [file], {
    cwd: consumer,
    env: { ...process.env, LEADS_URL: s.url, LEADS_API_KEY: s.users.manager.key },
  });
  return JSON.parse(stdout.trim()) as Record<string, unknown>;
}

test('the tarball holds both builds, their types and no tests', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.split('\n');
  expect(files).toEqual(expect.arrayContaining([
    'package/dist/esm/index.js', 'package/dist/esm/index.d.ts', 'package/dist/cjs/index.js', 'package/dist/cjs/index.d.ts',
    'package/dist/cjs/package.json', 'package/README.md',
  ]));
  expect(files.filter((f) => f.includes('test-d') || f.includes('scripts/'))).toEqual([]);
});

test('an ESM project imports it and queries the server', async () => {
  const out = await runConsumer('esm.mjs', script("import { createLeadsClient, LeadsApiError, LeadsDocument } from '@leads/client';"));
  expect(out).toEqual({ me: s.users.manager.id, totalCount: expect.any(Number), unauthenticated: 'UNAUTHENTICATED', document: 'Document' });
});

test('a CommonJS project requires it and queries the server', async () => {
  const source = script("const { createLeadsClient, LeadsApiError, LeadsDocument } = require('@leads/client');");
  const out = await runConsumer('cjs.cjs', `(async () => {\n${source}\n})().catch((e) => { console.error(e); process.exit(1); });`);
  expect(out).toEqual({ me: s.users.manager.id, totalCount: expect.any(Number), unauthenticated: 'UNAUTHENTICATED', document: 'Document' });
});

test('publint and arethetypeswrong find nothing wrong with the exports', async () => {
  await expect(run(path.join(root, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], { cwd: root })).resolves.toBeDefined();
  const attw = await run(path.join(root, 'node_modules/.bin/attw'), [tarball, '--format', 'json'], { cwd: root })
    .then((r) => r.stdout, (e: { stdout: string }) => e.stdout);
  const report = JSON.parse(attw) as { analysis: { problems: unknown[] } };
  expect(report.analysis.problems).toEqual([]);
});
