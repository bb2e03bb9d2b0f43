import type { Redis } from 'ioredis';

/**
 * Fixed-window counter of failures in Redis, shared by every hub process.
 * Only failures count, so a shift of agents logging in behind one NAT is never
 * locked out, while guessing one password is.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Seconds to wait before another attempt is allowed; 0 when not limited. */
  async retryAfter(key: string): Promise<number> {
    const k = `${this.prefix}:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().get(k).ttl(k).exec()) as [[null, string | null], [null, number]];
    return Number(count ?? 0) >= this.limit ? Math.max(ttl, 1) : 0;
  }

  /** Counts one failure. */
  async hit(key: string): Promise<void> {
    const k = `${this.prefix}:${key}`;
    const [[, count]] = (await this.redis.multi().incr(k).ttl(k).exec()) as [[null, number], [null, number]];
    if (count === 1) await this.redis.expire(k, this.windowSeconds);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:${key}`);
  }
}
