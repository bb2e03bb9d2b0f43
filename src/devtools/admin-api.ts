// A signed-in HTTP client for the hub's own API, used by `npm run demo` to set
// things up the way an admin would (mailboxes, IVR flows): through the API, so
// the demo exercises the same validation and audit trail as a real operator.

export class HubApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export class HubApi {
  private cookie = '';

  constructor(readonly base: string) {}

  static async login(base: string, email: string, password: string): Promise<HubApi> {
    const api = new HubApi(base);
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (res.status !== 200) throw new HubApiError(res.status, await res.text(), `login as ${email}`);
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    api.cookie = set.join('; ');
    return api;
  }

  async json<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), cookie: this.cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new HubApiError(res.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
