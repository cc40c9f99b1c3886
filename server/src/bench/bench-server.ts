import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createApp, type App } from '../app';
import type { Role } from '../common/enums';
import { loadConfig } from '../config';
import { UserService } from '../users/user.service';

/** Statements that read or write data (transaction control and the like do not count). */
const isData = (q: string) => /^\[query\]\s*(select|insert|update|delete|with)\b/i.test(q);

export interface BenchServer {
  app: App;
  url: string;
  /** Direct SQL, for arranging data quickly. */
  db: Client;
  /** Data statements the server has run since the last `resetStatements`. */
  statements(): number;
  resetStatements(): void;
  /** A new user of `role`; returns its id and API key. */
  user(role: Role): Promise<{ id: string; apiKey: string }>;
  /** POSTs a GraphQL request with `key` and returns its data; errors throw. */
  post(key: string, query: string, variables: Record<string, unknown>): Promise<any>;
  stop(): Promise<void>;
}

/** The real HTTP server on `databaseUrl`, counting its SQL statements, for the benchmarks. */
export async function startBenchServer(databaseUrl: string): Promise<BenchServer> {
  let statements = 0;
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), port: 0, host: '127.0.0.1', rateLimitPerMinute: 0 };
  const app = await createApp({ config, databaseUrl, onQuery: (q) => { if (isData(q)) statements += 1; } });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const url = `${await app.listen()}/graphql`;
  return {
    app, url, db,
    statements: () => statements,
    resetStatements: () => { statements = 0; },
    async user(role) {
      const made = await new UserService(app.orm.em.fork()).createUser({ name: 'bench', email: `bench-${randomUUID()}@bench.example`, role });
      return { id: made.id, apiKey: made.apiKey };
    },
    async post(key, query, variables) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      if (body.errors) throw new Error(`request failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
      return body.data;
    },
    async stop() {
      await db.end();
      await app.stop();
    },
  };
}
