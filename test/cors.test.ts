import { loadConfig } from '../server/src/config';
import { startTestServer, type TestServer } from './support/server';

const preflight = (url: string, origin: string) => fetch(url, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
});

describe('by default outside production, pages on this machine and Apollo Sandbox may call', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s?.stop(); });

  test('a preflight needs no key and allows the headers the API reads', async () => {
    const res = await preflight(s.url, 'https://sandbox.embed.apollographql.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://sandbox.embed.apollographql.com');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('authorization'));
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('idempotency-key'));
  });

  test.each(['https://studio.apollographql.com', 'http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080', 'http://localhost'])(
    '%s is allowed', async (origin) => {
      expect((await preflight(s.url, origin)).headers.get('access-control-allow-origin')).toBe(origin);
    });

  test.each(['https://app.example.com', 'http://localhost.evil.example', 'https://localhost:5173', 'null'])('%s is not', async (origin) => {
    expect((await preflight(s.url, origin)).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('responses expose the request id to the browser', async () => {
    const res = await s.gql('{ me { id } }', undefined, { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('X-Request-Id'));
  });

  test('the Sandbox page never carries CORS headers, even for an allowed origin', async () => {
    const page = await fetch(s.url, { headers: { accept: 'text/html', origin: 'http://localhost:5173' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS narrows the browsers that may call', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ config: { corsOrigins: ['https://app.example.com'] } }); });
  afterAll(async () => { await s?.stop(); });

  test('a listed origin is allowed, another is not', async () => {
    expect((await preflight(s.url, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await preflight(s.url, 'https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(s.url, 'https://sandbox.embed.apollographql.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('the variable is parsed and checked; unset it means none in production', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).corsOrigins).toEqual([]);
    expect(loadConfig({}).corsOrigins).toEqual(expect.arrayContaining(['http://localhost:*', 'https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com']));
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example/path' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('in production without CORS_ORIGINS no browser origin may call', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ config: { corsOrigins: loadConfig({ NODE_ENV: 'production' }).corsOrigins } }); });
  afterAll(async () => { await s?.stop(); });

  test.each(['https://sandbox.embed.apollographql.com', 'http://localhost:5173', 'https://app.example.com'])('%s is refused', async (origin) => {
    expect((await preflight(s.url, origin)).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS=* allows any origin on the API', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ config: { corsOrigins: true } }); });
  afterAll(async () => { await s?.stop(); });

  test('any origin, but still not on the Sandbox page', async () => {
    expect((await preflight(s.url, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('*');
    const page = await fetch(s.url, { headers: { accept: 'text/html', origin: 'https://evil.example' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });
});
