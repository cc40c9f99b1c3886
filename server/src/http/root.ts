import { Router } from 'express';

/**
 * `GET /`: where things are, for whoever opens the service's address — JSON for programs, a
 * short page for browsers. No key needed, and none shown (the development key is only ever in
 * the Sandbox page, under loopback Host names).
 */
export function rootRoute(opts: { introspection: boolean }): Router {
  const router = Router();
  const about = {
    service: 'leads',
    graphql: '/graphql',
    auth: 'Authorization: Bearer <api key> on /graphql, /attachments and /metrics',
    sandbox: opts.introspection ? '/graphql (open it in a browser)' : null,
    health: '/healthz',
    readiness: '/readyz',
    attachments: '/attachments/{id}',
    docs: 'docs/api.md in the repository; the schema is schema.graphql there, or introspection',
  };
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Leads service</title></head>
<body>
<h1>Leads service</h1>
<p>A GraphQL API for sales leads. Send <code>POST /graphql</code> with the header
<code>Authorization: Bearer &lt;api key&gt;</code>.</p>
<ul>
${opts.introspection
    ? '<li><a href="/graphql">Apollo Sandbox</a>: explore the schema and run operations.</li>'
    : '<li>Apollo Sandbox is off here (INTROSPECTION=false).</li>'}
<li><a href="/healthz">/healthz</a> (the process answers), <a href="/readyz">/readyz</a> (its database answers).</li>
<li>The API reference is <code>docs/api.md</code> in the repository.</li>
</ul>
</body>
</html>
`;
  router.get('/', (req, res) => {
    res.setHeader('vary', 'accept');
    if (req.accepts(['json', 'html']) === 'html') {
      res.type('html').send(page);
    } else {
      res.json(about);
    }
  });
  return router;
}
