// The floor: plain node:http and pg (a pool of 10), one hand-written SQL statement that builds
// the service's JSON answer for the bench's list query in PostgreSQL. Nothing parses the GraphQL
// request; the body is read and ignored. What a GraphQL server adds above this is its cost.
import http from 'node:http';
import pg from 'pg';

// leads(first: 50) { edges { node { id topic companyName owner { name }
//   stakeholders { role contact { fullName email account { name } } } } } }
// Leads newest first (created_at desc, id desc); stakeholders oldest first (created_at, id).
// fullName is the service's [firstName, lastName].filter(Boolean).join(' ').
export const LIST_SQL = `
select json_build_object('data', json_build_object('leads', json_build_object('edges', coalesce(json_agg(
  json_build_object('node', json_build_object(
    'id', l.id, 'topic', l.topic, 'companyName', l.company_name,
    'owner', json_build_object('name', u.name),
    'stakeholders', (
      select coalesce(json_agg(json_build_object('role', s.role, 'contact', json_build_object(
          'fullName', concat_ws(' ', nullif(c.first_name, ''), nullif(c.last_name, '')),
          'email', c.email,
          'account', case when a.id is null then null else json_build_object('name', a.name) end))
        order by s.created_at, s.id), '[]')
      from stakeholder s join contact c on c.id = s.contact_id left join account a on a.id = c.account_id
      where s.lead_id = l.id)))
  order by l.created_at desc, l.id desc), '[]'))))::text as body
from (select * from lead order by created_at desc, id desc limit 50) l
join app_user u on u.id = l.owner_id`;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    pool.query({ text: LIST_SQL, name: 'leads-list' }).then(
      ({ rows }) => {
        const body = rows[0].body;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      (err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: err.message }] }));
      });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`floor listening on ${process.env.PORT}\n`));
const stop = () => server.close(() => pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
