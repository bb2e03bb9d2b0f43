import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

// BODY_LIMIT_KB=1 so the request-size limit can be exercised with a small body.
const iso = isolate('http_api');
let running: RunningHub;
let admin: Client;

beforeAll(async () => {
  running = await startHub(testConfig(iso, { BODY_LIMIT_KB: '1' }));
  admin = await adminClient(running.url);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

async function errorOf(res: Response): Promise<ErrorBody['error']> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

describe('operational endpoints', () => {
  it('GET /healthz answers 200', async () => {
    const res = await fetch(`${running.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 with Postgres and Redis checked', async () => {
    const res = await fetch(`${running.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('GET /metrics is Prometheus text with request, socket and routing figures', async () => {
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${running.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE pasokh_http_requests_total counter');
    // The health check above was counted under its route.
    expect(text).toMatch(/^pasokh_http_requests_total\{[^}]*route="\/healthz"[^}]*status="200"[^}]*\} [1-9]\d*$/m);
    expect(text).toContain('# TYPE pasokh_socket_connections gauge');
    expect(text).toMatch(/^pasokh_socket_connections\{namespace="agent"\} \d+$/m);
    expect(text).toMatch(/^pasokh_socket_connections\{namespace="chat"\} \d+$/m);
    expect(text).toContain('# TYPE pasokh_routing_tasks_waiting gauge');
    expect(text).toMatch(/^pasokh_routing_tasks_waiting \d+$/m);
  });

  it('labels requests by route pattern, not by the ids in the URL', async () => {
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) expect((await admin.request('GET', `/api/conversations/${id}`)).status).toBe(404);
    const text = await (await fetch(`${running.url}/metrics`)).text();
    const samples = text.split('\n').filter((l) => l.startsWith('pasokh_http_requests_total{'));
    for (const id of ids) expect(samples.some((l) => l.includes(id))).toBe(false);
    expect(samples.some((l) => l.includes('route="/api/conversations/:id"') && l.includes('status="404"'))).toBe(true);
  });

  it('GET /api/openapi.json describes the REST API (OpenAPI 3.1)', async () => {
    const res = await fetch(`${running.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/users', '/api/conversations/{id}/messages']));
    expect(doc.paths['/api/auth/login']).toHaveProperty('post');
    expect(doc.paths['/api/users']).toHaveProperty('post');
    expect(doc.paths['/api/conversations/{id}/messages']).toHaveProperty('post');
  });
});

describe('JSON errors', () => {
  it('an unknown /api route is a JSON 404 not_found', async () => {
    const res = await admin.request('GET', '/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ code: 'not_found' });
    const post = await fetch(`${running.url}/api/nothing/here`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await errorOf(post)).toMatchObject({ code: 'not_found' });
  });

  it('a malformed JSON body is a 400 invalid_body', async () => {
    const res = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": "admin@test.pasokh", "password": ',
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid_body' });
  });

  it('a body over BODY_LIMIT_KB is a 413 payload_too_large', async () => {
    const big = JSON.stringify({ email: 'admin@test.pasokh', password: 'x'.repeat(5 * 1024) });
    expect(big.length).toBeGreaterThan(5000);
    const res = await fetch(`${running.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({ code: 'payload_too_large' });
    // The same for a logged-in admin creating a user.
    const asAdmin = await admin.request('POST', '/api/users', big);
    expect(asAdmin.status).toBe(413);
    expect(await errorOf(asAdmin)).toMatchObject({ code: 'payload_too_large' });
  });

  it('POST /api/users with bad fields is a 400 listing every bad field', async () => {
    const res = await admin.request('POST', '/api/users', {
      email: 'not-an-email',
      password: 'short',
      name: 'Valid Name',
      role: 'boss',
      skills: [{ skill: 'Persian Language!', level: 11 }],
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    const paths = (error.details ?? []).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.role', 'body.skills.0.skill', 'body.skills.0.level']));
    expect(paths).not.toContain('body.name');
    for (const d of error.details ?? []) expect(d.message).toEqual(expect.any(String));
    // Nothing was created.
    const users = await running.hub.db.selectFrom('users').select('email').execute();
    expect(users.map((u) => u.email)).toEqual(['admin@test.pasokh']);
  });

  it('a missing body on POST /api/users names the missing fields', async () => {
    const res = await admin.request('POST', '/api/users', {});
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect((error.details ?? []).map((d) => d.path)).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.name', 'body.role']));
  });
});

describe('security headers', () => {
  it('every response carries the helmet headers and no X-Powered-By', async () => {
    for (const res of [await fetch(`${running.url}/healthz`), await fetch(`${running.url}/api/no-such-thing`)]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});
