import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp, type App, type AppOptions } from '../../server/src/app';
import { loadConfig, type Config } from '../../server/src/config';
import { Role } from '../../server/src/common/enums';
import { ensureDatabase } from '../../server/src/db/database';
import { UserService } from '../../server/src/users/user.service';

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestUser { id: string; key: string; role: Role }

export interface TestServer {
  app: App;
  url: string;
  /** Users of every role; `sales2`/`partner2` are second users of those roles. */
  users: Record<'admin' | 'manager' | 'sales' | 'sales2' | 'partner' | 'partner2', TestUser>;
  /** POSTs a GraphQL request as `as` (default admin); `as: null` sends no key. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, opts?: { as?: TestUser | null; headers?: Record<string, string> }): Promise<GqlResponse<T>>;
  /** Every SQL statement the server ran since the last reset. */
  sql: string[];
  resetSql(): void;
  /** Direct SQL on this file's database, for arranging data and checking rows. */
  db: Client;
  createUser(role: Role, name?: string): Promise<TestUser>;
  stop(): Promise<void>;
}

/**
 * A real server on its own PostgreSQL database, cloned from the migrated template that the
 * global setup made. Each test file calls this once in `beforeAll`.
 */
export async function startTestServer(opts: {
  rateLimitPerMinute?: number; config?: Partial<Config>; app?: Pick<AppOptions, 'logger' | 'sandboxApiKey'>;
} = {}): Promise<TestServer> {
  const adminUrl = process.env.LEADS_TEST_ADMIN_URL;
  const template = process.env.LEADS_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('the jest global setup did not run');
  const name = `leads_${process.env.LEADS_TEST_RUN_ID}_${randomBytes(5).toString('hex')}`;
  const databaseUrl = await ensureDatabase(adminUrl, name, template);

  const sql: string[] = [];
  const config = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    port: 0, host: '127.0.0.1', rateLimitPerMinute: opts.rateLimitPerMinute ?? 0, costLimitPerMinute: 0, authFailuresPerMinute: 0,
    dbPoolMax: 30, ...opts.config,
  };
  const app = await createApp({ config, databaseUrl, onQuery: (q) => sql.push(q), ...opts.app });
  const url = `${await app.listen()}/graphql`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  const createUser = async (role: Role, userName = `${role.toLowerCase()}-${randomBytes(3).toString('hex')}`): Promise<TestUser> => {
    const created = await new UserService(app.orm.em.fork()).createUser({ name: userName, email: `${userName}@test.example`, role });
    return { id: created.id, key: created.apiKey, role };
  };
  const users = {
    admin: await createUser(Role.ADMIN, 'admin'),
    manager: await createUser(Role.MANAGER, 'manager'),
    sales: await createUser(Role.SALESPERSON, 'sales'),
    sales2: await createUser(Role.SALESPERSON, 'sales2'),
    partner: await createUser(Role.PARTNER, 'partner'),
    partner2: await createUser(Role.PARTNER, 'partner2'),
  };

  return {
    app, url, users, sql, db, createUser,
    resetSql: () => { sql.length = 0; },
    async gql(query, variables, o = {}) {
      const as = o.as === undefined ? users.admin : o.as;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${as.key}` } : {}), ...o.headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: any[] };
      return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
    },
    async stop() {
      await db.end();
      await app.stop();
    },
  };
}

/** Statements that read or write data (the ORM also logs transaction control). */
export function dataStatements(sql: string[]): string[] {
  return sql.filter((q) => /\b(select|insert|update|delete)\b/i.test(q) && !/^\s*\[query\]\s*(begin|commit|rollback|savepoint|release)/i.test(q));
}
