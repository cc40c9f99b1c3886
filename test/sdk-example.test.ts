// client-sdk/examples/lead-journey.mjs, run as a partner would run it, against the real server.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './support/server';

const run = promisify(execFile);
const example = path.resolve(__dirname, '../client-sdk/examples/lead-journey.mjs');

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

test('the lead-journey example runs end to end', async () => {
  const { stdout } = await run(process.execPath, [example], { env: { ...process.env, LEADS_URL: s.url, LEADS_API_KEY: s.users.sales.key } });
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^lead\s+\S+\s+40 trucks for the Northern depot .*\(OPEN\/NEW, owner sales\)$/);
  expect(stdout).toMatch(/^stakeholder Lin Ng as DECISION_MAKER$/m);
  expect(stdout).toMatch(/^qualified\s+account Ng Freight \S+ \(created: true\), contact Ada Ng \(created: true\)$/m);
  expect(stdout).toMatch(/^opportunity \S+\s+40 trucks .* OPEN\s+125000\.00 USD$/m);
  expect(stdout).toMatch(/stakeholders: Lin Ng \(DECISION_MAKER\)$/m);
  expect(lines.at(-1)).toMatch(/^again\s+LEAD_NOT_OPEN$/);
});

test('without a key it says what to set', async () => {
  const env = { ...process.env };
  delete env.LEADS_API_KEY;
  const err = await run(process.execPath, [example], { env }).then(() => null, (e: { code: number; stderr: string }) => e);
  expect(err?.code).toBe(2);
  expect(err?.stderr).toContain('LEADS_API_KEY');
});
