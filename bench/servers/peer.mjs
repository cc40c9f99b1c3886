// The peer: PostGraphile 5 (amber preset) on the bench database, in production mode, with
// GraphiQL, watch mode and plan explanations off, on a pg pool of 10 like the other targets.
// Besides the tables it exposes the one computed column the bench adds for Contact.fullName
// (contact_full_name(contact), see lib/db.mjs), so that it answers the same data as the service.
import http from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';

if (process.env.NODE_ENV !== 'production') throw new Error('the peer must run with NODE_ENV=production');

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const preset = {
  extends: [PostGraphileAmberPreset],
  // By default only indexed columns are orderable; stakeholders have no index on created_at,
  // and the list must order them oldest first like the service does.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, graphiqlOnGraphQLGET: false, watch: false, maxRequestLength: 100_000 },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = http.createServer();
serv.addTo(server).then(() => {
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`peer listening on ${process.env.PORT}\n`));
}, (err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
const stop = () => {
  server.close();
  pgl.release().finally(() => pool.end()).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
