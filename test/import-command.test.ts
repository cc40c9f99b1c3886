import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { startTestServer, type TestServer } from './support/server';

const run = promisify(execFile);
const admin = path.resolve(__dirname, '../server/dist/admin.js');
let s: TestServer;
let dir: string;
beforeAll(async () => {
  s = await startTestServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leads-import-'));
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await s?.stop();
});

const env = () => ({ ...process.env, DATABASE_URL: s.app.orm.config.get('clientUrl') as string });
const ownerEmail = 'sales@test.example';
const leadsLike = async (pattern: string) => (await s.db.query(
  `select topic, first_name, email, address_city, budget_amount, budget_currency_code, source, rating, decision_maker_identified,
          owner_id, created_by_id, job_title, version
     from lead where email like $1 order by email`, [pattern])).rows;
/** Runs the command; resolves with its output whatever its exit code. */
const leadsImport = (...args: string[]) => run('node', [admin, 'leads:import', ...args], { env: env() })
  .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (err: { code: number; stdout: string; stderr: string }) => err);

test('imports the good rows of a CSV file as the owner, and writes the bad ones with their line and errors beside it', async () => {
  const file = path.join(dir, 'leads.csv');
  fs.writeFileSync(file, [
    'Topic,LASTNAME,firstName,email,Address.City,budget.amount,budget.currencyCode,source,rating,decisionMakerIdentified',
    '40 trucks,Ng,Ada,ada@cli.example,Redmond,1250,EUR,trade show,hot,yes',
    '',
    '"Vans, ten of them",Lee,Bo,bo@cli.example,,,,,,',
    '"A topic over',
    'two lines",Kim,,not-an-email,,,,,,',
    'Cars,Park,,park@cli.example,,100,,,,',
    'Bikes,Cho,,cho@cli.example,,,,,lukewarm,',
    ',NoTopic,,notopic@cli.example,,,,,,',
    'Boats,Ono,,ono@cli.example,,12,XYZ,,,',
  ].join('\r\n'));
  const out = await leadsImport(file, '--owner', ownerEmail.toUpperCase());
  expect(out.code).toBe(0);
  const failedFile = path.join(dir, 'leads.failed.csv');
  expect(JSON.parse(out.stdout)).toEqual({
    file, owner: ownerEmail, ownerId: s.users.sales.id, dryRun: false, rows: 7, created: 2, updated: 0, skipped: 0, failed: 5, failedFile,
  });
  // No progress bar: stderr is not a terminal.
  expect(out.stderr).toBe('');

  expect(await leadsLike('%@cli.example')).toEqual([
    {
      topic: '40 trucks', first_name: 'Ada', email: 'ada@cli.example', address_city: 'Redmond', budget_amount: '1250.00', budget_currency_code: 'EUR',
      source: 'TRADE_SHOW', rating: 'HOT', decision_maker_identified: true, owner_id: s.users.sales.id, created_by_id: s.users.sales.id, job_title: null, version: 1,
    },
    expect.objectContaining({ topic: 'Vans, ten of them', email: 'bo@cli.example', source: null, owner_id: s.users.sales.id }),
  ]);
  const history = await s.db.query(`select a.action, a.actor_id from audit_entry a join lead l on l.id = a.entity_id where l.email like '%@cli.example'`);
  expect(history.rows).toEqual([{ action: 'CREATED', actor_id: s.users.sales.id }, { action: 'CREATED', actor_id: s.users.sales.id }]);

  const failed = parse(fs.readFileSync(failedFile, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(failed.map((r) => [r.line, r.LASTNAME, r.errors])).toEqual([
    ['5', 'Kim', 'email: email must be a well-formed email address'],
    ['7', 'Park', 'budget.currencyCode: budget.currencyCode is needed with budget.amount'],
    ['8', 'Cho', 'rating: rating must be one of HOT, WARM, COLD; got "lukewarm"'],
    ['9', 'NoTopic', expect.stringMatching(/^topic: /)],
    ['10', 'Ono', 'budget.currencyCode: Unknown currency XYZ; see the currencies query'],
  ]);
  expect(Object.keys(failed[0])).toEqual(['line', 'Topic', 'LASTNAME', 'firstName', 'email', 'Address.City', 'budget.amount', 'budget.currencyCode', 'source', 'rating', 'decisionMakerIdentified', 'errors']);
  expect(failed[0].Topic).toBe('A topic over\r\ntwo lines');
});

test('the failed-rows file, its rows corrected, imports as it is; what still fails goes to a failed-rows file of its own', async () => {
  const file = path.join(dir, 'fix.csv');
  fs.writeFileSync(file, 'topic,lastName,email,rating\nOne,Fox,fox@fix.example,lukewarm\nTwo,Owl,not-an-email,\n');
  expect(JSON.parse((await leadsImport(file, '--owner', ownerEmail)).stdout)).toMatchObject({ created: 0, failed: 2 });
  const failedFile = path.join(dir, 'fix.failed.csv');
  const corrected = fs.readFileSync(failedFile, 'utf8').replace('lukewarm', 'warm');
  expect(corrected.split(/\r?\n/)[0]).toBe('line,topic,lastName,email,rating,errors');
  fs.writeFileSync(failedFile, corrected);

  const again = JSON.parse((await leadsImport(failedFile, '--owner', ownerEmail)).stdout);
  const refailed = path.join(dir, 'fix.failed.failed.csv');
  expect(again).toMatchObject({ rows: 2, created: 1, failed: 1, failedFile: refailed });
  expect(await leadsLike('%@fix.example')).toEqual([expect.objectContaining({ topic: 'One', email: 'fox@fix.example', rating: 'WARM' })]);
  const still = parse(fs.readFileSync(refailed, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(still).toEqual([{ line: '3', topic: 'Two', lastName: 'Owl', email: 'not-an-email', rating: '', errors: 'email: email must be a well-formed email address' }]);
});

test('a second run skips the rows it imported, updates them with --on-match update, and --dry-run writes nothing', async () => {
  const file = path.join(dir, 'again.csv');
  fs.writeFileSync(file, 'topic,lastName,email,jobTitle\nFirst,Ray,ray@again.example,Buyer\nSecond,Sun,sun@again.example,\n');
  const first = JSON.parse((await leadsImport(file, '--owner', ownerEmail)).stdout);
  expect(first).toMatchObject({ rows: 2, created: 2, failed: 0, failedFile: null });
  expect(fs.existsSync(path.join(dir, 'again.failed.csv'))).toBe(false);

  expect(JSON.parse((await leadsImport(file, '--owner', ownerEmail)).stdout)).toMatchObject({ created: 0, skipped: 2 });
  fs.writeFileSync(file, 'topic,lastName,email,jobTitle\nFirst,Ray,RAY@again.example,Director\nSecond,Sun,sun@again.example,\n');
  const before = await leadsLike('%@again.example');
  const dry = JSON.parse((await leadsImport(file, '--owner', ownerEmail, '--on-match', 'update', '--dry-run')).stdout);
  expect(dry).toMatchObject({ dryRun: true, updated: 2, created: 0 });
  expect(await leadsLike('%@again.example')).toEqual(before);

  expect(JSON.parse((await leadsImport(file, '--owner', ownerEmail, '--on-match', 'update')).stdout)).toMatchObject({ updated: 2, failed: 0 });
  expect(await leadsLike('%@again.example')).toMatchObject([
    { email: 'RAY@again.example', job_title: 'Director', version: 2 },
    // A row that changes nothing leaves the lead's version alone.
    { email: 'sun@again.example', job_title: null, version: 1 },
  ]);
});

test('sends a large file in chunks, each one transaction, and imports every row', async () => {
  const file = path.join(dir, 'large.csv');
  const n = 1201;
  fs.writeFileSync(file, ['topic,lastName,email', ...Array.from({ length: n }, (_, i) => `Row ${i},Person ${i},p${i}@large.example`)].join('\n'));
  const out = JSON.parse((await leadsImport(file, '--owner', ownerEmail)).stdout);
  expect(out).toMatchObject({ rows: n, created: n, failed: 0 });
  expect((await s.db.query(`select count(*)::int as n from lead where email like '%@large.example'`)).rows[0].n).toBe(n);
});

test('a file it cannot import whole stops the command before anything is imported: exit code 1 and one line on stderr', async () => {
  const cases: [string, string, RegExp][] = [
    ['unknown.csv', 'topic,lastName,email,colour\nX,Y,unknown@stop.example,red\n', /^unknown column "colour"; the columns are topic, lastName, .*address\.city.*budget\.currencyCode/],
    ['missing.csv', 'topic,email\nX,missing@stop.example\n', /^missing column lastName/],
    ['twice.csv', 'topic,lastName,LastName\nX,Y,Z\n', /^column lastName appears more than once/],
    ['broken.csv', 'topic,lastName,email\n"X,Y,broken@stop.example\n', /^the file is not valid CSV: Quote Not Closed/],
  ];
  for (const [name, text, message] of cases) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const out = await leadsImport(file, '--owner', ownerEmail);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
  }
  const noOwner = await leadsImport(path.join(dir, 'unknown.csv'), '--owner', 'nobody@test.example');
  expect([noOwner.code, noOwner.stderr.trim()]).toEqual([1, 'unknown column "colour"; the columns are topic, lastName, firstName, jobTitle, companyName, email, businessPhone, mobilePhone, website, description, existingAccountId, existingContactId, ownerId, industry, preferredContactMethod, source, rating, purchaseTimeframe, purchaseProcess, budgetStatus, decisionMakerIdentified, address.line1, address.line2, address.city, address.stateOrProvince, address.postalCode, address.country, budget.amount, budget.currencyCode (in any case)']);
  fs.writeFileSync(path.join(dir, 'good.csv'), 'topic,lastName,email\nX,Y,owner@stop.example\n');
  const unknownOwner = await leadsImport(path.join(dir, 'good.csv'), '--owner', 'nobody@test.example');
  expect([unknownOwner.code, unknownOwner.stderr.trim()]).toEqual([1, 'no user with email nobody@test.example']);
  expect(await leadsLike('%@stop.example')).toEqual([]);
});
