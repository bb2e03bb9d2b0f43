/**
 * Runs work for one key at a time, in arrival order (per process). Every
 * webhook, status callback and control action about a call runs under its
 * CallSid, so they see each other's writes.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/** Twilio's REST error, in words: HTTP status, Twilio code, message. */
export function twilioError(err: unknown): { status: number | null; code: number | null; text: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : null;
  const code = typeof e.code === 'number' ? e.code : null;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  return { status, code, text: status === null ? `could not reach Twilio: ${message}` : `Twilio answered HTTP ${status}${code ? ` (error ${code})` : ''}: ${message}` };
}

/** A string form parameter (the first when repeated), or undefined. */
export function param(p: Record<string, unknown>, key: string): string | undefined {
  const v = p[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

export const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
