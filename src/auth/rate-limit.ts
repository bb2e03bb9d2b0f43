import type { Redis } from 'ioredis';

/** Fixed-window counter in Redis, shared by every hub process. */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Counts one attempt; returns the seconds to wait when the limit is exceeded, else 0. */
  async hit(key: string): Promise<number> {
    const k = `${this.prefix}:${key}`;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).ttl(k).exec()) as [[null, number], [null, number]];
    if (ttl < 0) await this.redis.expire(k, this.windowSeconds);
    return count > this.limit ? Math.max(ttl, 1) : 0;
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:${key}`);
  }
}
