/**
 * The container setup (Dockerfile, .dockerignore, docker-compose.yml) checked against the code it
 * packages: no Docker engine is needed, the files are parsed and compared with `loadConfig`, the
 * TypeScript build configuration and the repository's files.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { loadConfig, type Config } from '../server/src/config';

const ROOT = path.resolve(__dirname, '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: Array<string | number | { target: number; published?: string | number }>;
  volumes?: Array<string | { type?: string; source?: string; target: string }>;
  healthcheck?: { test: string | string[] };
  restart?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parseYaml(read('docker-compose.yml')) as ComposeFile;
// `?? {}` so a missing service fails the test that names it rather than the whole file.
const leads: ComposeService = compose.services?.leads ?? {};
const postgres: ComposeService = compose.services?.postgres ?? {};

/** A service's environment as strings, whichever of the two compose syntaxes it uses. */
function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** The command a healthcheck runs, as one string. */
function healthcheckCommand(service: ComposeService): string {
  const test = service.healthcheck?.test;
  if (test === undefined) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

const leadsEnv = envOf(leads);
const postgresEnv = envOf(postgres);

// ---------------------------------------------------------------------------------------------
// Dockerfile: a small parser (line continuations, comments, stages)

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (current !== '' && line.startsWith('#')) continue; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
    } else {
      logical.push((current + line).trim());
      current = '';
    }
  }
  if (current.trim()) logical.push(current.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/s.exec(line)!;
    const keyword = m[1].toUpperCase();
    const args = m[2].replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const f = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ from: f[1], name: f[2], instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword, args });
    }
  }
  return stages;
}

const stages = parseDockerfile(read('Dockerfile'));
const buildStage = stages.find((s) => s.name === 'build')!;
const runtime = stages[stages.length - 1];
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const last = (stage: Stage, keyword: string) => all(stage, keyword).pop();

/** `COPY [--flags] src... dest` → flags, sources and destination (shell form; JSON form too). */
function parseCopy(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest); m; m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest)) {
    flags[m[1]] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  const parts: string[] = rest.startsWith('[') ? JSON.parse(rest) : rest.split(' ');
  return { flags, sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

/** ENV in both the `K=V K2=V2` and the legacy `K V` form. */
function envInstructions(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of all(stage, 'ENV')) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
      for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
        env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
      }
    } else {
      const [k, ...v] = args.split(' ');
      env[k] = v.join(' ');
    }
  }
  return env;
}

/** The working directory a stage ends with (enough for absolute WORKDIRs). */
const workdir = (stage: Stage) => last(stage, 'WORKDIR')?.args ?? '/';

// ---------------------------------------------------------------------------------------------
// .dockerignore: Docker's matching (root-relative patterns, `**`, `!` exceptions, parent dirs)

const ignorePatterns = read('.dockerignore')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const negate = l.startsWith('!');
    const p = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
    const re = p
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) =>
        part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]'
          : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return { negate, re: new RegExp(`^${re}$`) };
  });

/** Whether Docker leaves `rel` (a path relative to the context root) out of the build context. */
function ignored(rel: string): boolean {
  const segments = rel.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const { negate, re } of ignorePatterns) {
    if (candidates.some((c) => re.test(c))) excluded = !negate;
  }
  return excluded;
}

/** Repository files a COPY source names (with `*` / `?` in the last segment), context-relative. */
function filesFor(source: string): string[] {
  const rel = path.posix.normalize(source.replace(/^\.\//, '')).replace(/\/$/, '');
  if (rel === '.') return ['.'];
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  if (!/[*?[]/.test(base)) return fs.existsSync(path.join(ROOT, rel)) ? [rel] : [];
  const re = new RegExp(
    '^' + base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$',
  );
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => re.test(f))
    .map((f) => (dir === '.' ? f : `${dir}/${f}`));
}

// ---------------------------------------------------------------------------------------------
// What `npm run build` produces

const rootPackage = JSON.parse(read('package.json')) as {
  workspaces: string[];
  scripts: Record<string, string>;
};

/** server/src/<file>.ts → its compiled path relative to the repository, per server/tsconfig.json. */
function compiledPath(sourceRel: string): string {
  const configPath = path.join(ROOT, 'server', 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configPath));
  const { outDir, rootDir } = parsed.options;
  if (!outDir || !rootDir) throw new Error('server/tsconfig.json must set outDir and rootDir');
  const out = path.join(outDir, path.relative(rootDir, path.join(ROOT, sourceRel))).replace(/\.ts$/, '.js');
  return path.relative(ROOT, out).split(path.sep).join('/');
}

// =============================================================================================

describe('docker-compose.yml', () => {
  let config: Config;

  it('defines exactly the postgres and leads services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['leads', 'postgres']);
    expect(postgres.image).toBe('postgres:17');
    const build = typeof leads.build === 'string' ? { context: leads.build } : leads.build;
    expect(build?.context ?? '.').toBe('.');
    expect(fs.existsSync(path.join(ROOT, build?.dockerfile ?? 'Dockerfile'))).toBe(true);
  });

  it('gives leads an environment that loadConfig accepts, listening on 0.0.0.0:4000', () => {
    // Compose (and YAML) would turn an unquoted true/yes into something else; values must be strings.
    for (const value of Object.values(leads.environment as Record<string, unknown>)) {
      expect(['string', 'number']).toContain(typeof value);
    }
    config = loadConfig(leadsEnv);
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('production');
    expect(config.logLevel).toBe('info');
    expect(config.introspection).toBe(true); // Sandbox works locally
    expect(config.databaseUrl).toBeDefined(); // never the embedded PostgreSQL in a container
  });

  it('sets only variables loadConfig reads (a typo would be silently ignored)', () => {
    const baseline = loadConfig(leadsEnv);
    for (const name of Object.keys(leadsEnv)) {
      // A variable loadConfig reads either rejects this value or changes the result.
      const env = { ...leadsEnv, [name]: 'not a valid value ☃' };
      let changed: boolean;
      try {
        changed = JSON.stringify(loadConfig(env)) !== JSON.stringify(baseline);
      } catch {
        changed = true;
      }
      if (!changed) throw new Error(`leads sets ${name}, which loadConfig does not read`);
    }
  });

  it('points DATABASE_URL at the postgres service with its user, password and database', () => {
    const url = new URL(loadConfig(leadsEnv).databaseUrl!);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe('postgres');
    expect(compose.services[url.hostname]).toBeDefined();
    expect(url.port || '5432').toBe('5432');
    expect(postgresEnv.POSTGRES_DB).toBe('leads');
    expect(decodeURIComponent(url.username)).toBe(postgresEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(postgresEnv.POSTGRES_PASSWORD);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(postgresEnv.POSTGRES_DB);
  });

  it('publishes the port the service listens on', () => {
    const { port } = loadConfig(leadsEnv);
    const mappings = (leads.ports ?? []).map((p) => {
      if (typeof p === 'object') return { published: String(p.published), target: String(p.target) };
      const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
      return { published: parts[parts.length - 2], target: parts[parts.length - 1] };
    });
    expect(mappings).toContainEqual({ published: '4000', target: String(port) });
  });

  it('starts leads only once postgres is healthy, and keeps postgres data in a named volume', () => {
    const dependsOn = leads.depends_on as Record<string, { condition?: string }>;
    expect(Array.isArray(dependsOn)).toBe(false);
    expect(dependsOn.postgres?.condition).toBe('service_healthy');
    // service_healthy needs a healthcheck on postgres that asks the server itself.
    expect(healthcheckCommand(postgres)).toMatch(/pg_isready/);
    expect(healthcheckCommand(postgres)).toContain(postgresEnv.POSTGRES_USER);

    const dataVolume = (postgres.volumes ?? [])
      .map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v))
      .find((v) => v.target === '/var/lib/postgresql/data');
    expect(dataVolume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume!.source);
  });

  it('checks leads readiness with node against /readyz on its own port, and restarts it', () => {
    const { port } = loadConfig(leadsEnv);
    const command = healthcheckCommand(leads);
    expect(command).toMatch(/^CMD(-SHELL)? node /);
    expect(command).toContain('/readyz');
    expect(command).toMatch(new RegExp(`port:\\s*${port}\\b|:${port}/readyz`));
    expect(leads.restart).toBe('unless-stopped');
  });
});

describe('Dockerfile', () => {
  it('builds in one node:<major of .nvmrc>-bookworm-slim stage and runs from another: the Node CI tests on', () => {
    const major = read('.nvmrc').trim().replace(/^v/, '').split('.')[0];
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStage).toBeDefined();
    expect(buildStage).not.toBe(runtime);
    expect(buildStage.from).toBe(`node:${major}-bookworm-slim`);
    expect(runtime.from).toBe(`node:${major}-bookworm-slim`);
  });

  it('installs from the lockfile with every workspace manifest, then builds the server', () => {
    const copied = all(buildStage, 'COPY').flatMap((c) => parseCopy(c.args).sources);
    const manifests = ['package.json', 'package-lock.json', ...rootPackage.workspaces.map((w) => `${w}/package.json`)];
    for (const m of manifests) expect(copied).toContain(m);
    const runs = all(buildStage, 'RUN').map((r) => r.args);
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    const build = runs.findIndex((r) => /\bnpm run build:server\b/.test(r));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(ci);
    expect(rootPackage.scripts['build:server']).toBe('tsc -b server');
    expect(rootPackage.scripts.build).toContain('npm run build:server');
  });

  it('installs only production dependencies of the server in the runtime stage', () => {
    const runs = all(runtime, 'RUN').map((r) => r.args);
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) {
      expect(r).toMatch(/\bnpm ci\b/);
      expect(r).toMatch(/--omit[= ]dev\b/);
    }
    // Nothing is compiled here: the output comes from the build stage.
    expect(runs.some((r) => /npm run build|\btsc\b/.test(r))).toBe(false);
  });

  it('runs the file `npm run build` produces, from the build stage output', () => {
    const main = compiledPath('server/src/main.ts');
    expect(main).toBe('server/dist/main.js');
    expect(fs.existsSync(path.join(ROOT, 'server/src/main.ts'))).toBe(true);
    expect(rootPackage.scripts.start).toContain(`node ${main}`);

    const cmd = JSON.parse(last(runtime, 'CMD')!.args) as string[];
    expect(cmd).toEqual(['node', main]);

    // The compiled output directory is copied from the build stage to where CMD looks for it.
    const outDir = path.posix.dirname(main); // server/dist
    const copies = all(runtime, 'COPY').map((c) => parseCopy(c.args));
    const fromBuild = copies.find((c) => c.flags.from === buildStage.name);
    expect(fromBuild).toBeDefined();
    const source = path.posix.resolve(workdir(buildStage), fromBuild!.sources[0]);
    const dest = path.posix.resolve(workdir(runtime), fromBuild!.dest);
    expect(source).toBe(path.posix.resolve(workdir(buildStage), outDir));
    expect(dest).toBe(path.posix.resolve(workdir(runtime), outDir));
    // ...and the runtime stage also has the manifests node needs to resolve the server's packages.
    const runtimeSources = copies.filter((c) => !c.flags.from).flatMap((c) => c.sources);
    for (const m of ['package.json', 'package-lock.json', 'server/package.json']) expect(runtimeSources).toContain(m);
  });

  it('configures the image for a container and exposes the port the service listens on', () => {
    const env = envInstructions(runtime);
    expect(env.NODE_ENV).toBe('production');
    const config = loadConfig({ ...env, DATABASE_URL: 'postgres://u:p@db:5432/leads' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('production');
    const exposed = all(runtime, 'EXPOSE').flatMap((e) => e.args.split(' ').map((p) => p.replace(/\/tcp$/, '')));
    expect(exposed).toContain(String(config.port));
    expect(exposed).toContain('4000');
  });

  it('runs as a non-root user', () => {
    const instructions = runtime.instructions;
    const userIndex = instructions.map((i) => i.keyword).lastIndexOf('USER');
    expect(userIndex).toBeGreaterThanOrEqual(0);
    const user = instructions[userIndex].args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
    // Nothing after USER switches back.
    expect(instructions.slice(userIndex + 1).some((i) => i.keyword === 'USER')).toBe(false);
  });

  it('checks liveness with node against /healthz (slim images have no curl)', () => {
    const hc = last(runtime, 'HEALTHCHECK')!.args;
    const cmd = /\bCMD\s+(.*)$/.exec(hc)![1];
    const argv = cmd.startsWith('[') ? (JSON.parse(cmd) as string[]) : ['/bin/sh', '-c', cmd];
    expect(argv[0]).toBe('node');
    expect(argv.join(' ')).toContain('/healthz');
    expect(argv.join(' ')).not.toMatch(/\b(curl|wget)\b/);
  });

  it('COPYs only files that exist in the repository and reach the build context', () => {
    const sources = stages
      .flatMap((s) => all(s, 'COPY').concat(all(s, 'ADD')))
      .map((c) => parseCopy(c.args))
      .filter((c) => !c.flags.from)
      .flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const files = filesFor(source);
      if (files.length === 0) throw new Error(`Dockerfile copies ${source}, which does not exist`);
      for (const f of files) {
        if (ignored(f)) throw new Error(`Dockerfile copies ${f}, which .dockerignore leaves out`);
      }
    }
  });
});

describe('.dockerignore', () => {
  it('keeps local installs, build output, data and VCS out of the context, at any depth', () => {
    for (const p of [
      'node_modules/yaml/package.json',
      'server/node_modules/class-validator/package.json',
      'server/dist/main.js',
      'client-sdk/dist/index.js',
      '.data/PG_VERSION',
      '.git/HEAD',
      'coverage/lcov.info',
      'leads-client-0.1.0.tgz',
      // A stale tsbuildinfo without dist/ makes the incremental `tsc -p server` emit only some files.
      'server/tsconfig.tsbuildinfo',
    ]) {
      if (!ignored(p)) throw new Error(`.dockerignore does not exclude ${p}`);
    }
  });

  it('keeps what the build needs', () => {
    for (const p of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'server/src/config.ts', 'server/tsconfig.json']) {
      if (ignored(p)) throw new Error(`.dockerignore excludes ${p}`);
    }
  });
});
