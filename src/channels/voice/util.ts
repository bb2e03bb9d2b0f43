import type pg from 'pg';

/** Serialises all work about one call (keyed by CallSid): webhooks, status callbacks, console actions. */
export interface CallLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Runs work for one key at a time, in arrival order, within this process.
 * Every webhook, status callback and control action about a call runs under
 * its CallSid, so they see each other's writes.
 */
export class KeyedLock implements CallLock {
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

/** How long work on a call waits for another process holding it before giving up (Twilio stops waiting at 15 s anyway). */
export const CALL_LOCK_TIMEOUT = '20s';

/**
 * The per-call lock across hub processes: Twilio may deliver two callbacks
 * about one call to two processes behind a load balancer. Contenders in this
 * process queue in memory first (so they hold no connection while they wait);
 * the one in front then takes a Postgres transaction-scoped advisory lock keyed
 * by the CallSid on a connection of its own pool, runs the work (which uses the
 * main pool as usual), and commits. A crashed process's lock goes with its
 * connection. The lock connections come from a separate pool so that work
 * holding a lock can never starve the pool it needs for its own queries.
 */
export class SharedCallLock implements CallLock {
  private readonly local = new KeyedLock();

  constructor(private readonly pool: pg.Pool) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        await client.query(`set local lock_timeout = '${CALL_LOCK_TIMEOUT}'`);
        await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`voice-call:${key}`]);
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        client.release(broken);
        throw broken;
      }
      try {
        return await work();
      } finally {
        // Nothing was written on this connection: commit only ends the transaction, releasing the lock.
        await client.query('commit').catch((err: unknown) => (broken = err instanceof Error ? err : new Error(String(err))));
        client.release(broken);
      }
    });
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
