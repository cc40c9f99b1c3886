import { loadConfig } from '../server/src/config';
import { startTestServer, type TestServer } from './support/server';

const preflight = (url: string, origin: string) => fetch(url, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
});

describe('by default any origin may call (keys are headers, not cookies)', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s?.stop(); });

  test('a preflight needs no key and allows the headers the API reads', async () => {
    const res = await preflight(s.url, 'https://sandbox.embed.apollographql.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('authorization'));
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('idempotency-key'));
  });

  test('responses expose the request id to the browser', async () => {
    const res = await s.gql('{ me { id } }', undefined, { headers: { origin: 'https://app.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('X-Request-Id'));
  });
});

describe('CORS_ORIGINS narrows the browsers that may call', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ config: { corsOrigins: ['https://app.example.com'] } }); });
  afterAll(async () => { await s?.stop(); });

  test('a listed origin is allowed, another is not', async () => {
    expect((await preflight(s.url, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await preflight(s.url, 'https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('the variable is parsed and checked', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(loadConfig({}).corsOrigins).toBe(true);
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example/path' })).toThrow(/CORS_ORIGINS/);
  });
});
