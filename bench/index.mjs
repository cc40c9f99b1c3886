// Entry point of `npm run bench`: installs bench/'s own dependencies (PostGraphile, autocannon,
// pg — kept out of the service's install) when they are missing or older than its lock file,
// then runs the harness. Only Node built-ins are used until the install is done.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const here = path.dirname(new URL(import.meta.url).pathname);
const lock = path.join(here, 'package-lock.json');
const installed = path.join(here, 'node_modules/.package-lock.json');
const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  process.stderr.write('[bench] installing bench/ dependencies (npm ci --prefix bench)\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', here, '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false'], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('[bench] npm ci --prefix bench failed\n');
    process.exit(r.status ?? 1);
  }
}
await import('./run.mjs');
