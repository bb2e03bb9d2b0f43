import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Which agents have a console open, across hub processes. Each process keeps
 * its own socket counts and writes, per agent, a field named after itself with
 * an expiry time into one Redis hash; a crashed process's fields simply lapse.
 */
export class Presence {
  readonly processId = randomUUID();
  private readonly local = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), this.ttlMs / 3);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const agents = [...this.local.keys()];
    this.local.clear();
    if (agents.length > 0) await Promise.all(agents.map((a) => this.redis.hdel(this.key(a), this.processId))).catch(() => undefined);
  }

  async connected(agentId: string): Promise<void> {
    this.local.set(agentId, (this.local.get(agentId) ?? 0) + 1);
    await this.write(agentId);
  }

  async disconnected(agentId: string): Promise<void> {
    const n = (this.local.get(agentId) ?? 1) - 1;
    if (n > 0) {
      this.local.set(agentId, n);
      return;
    }
    this.local.delete(agentId);
    await this.redis.hdel(this.key(agentId), this.processId);
    await this.redis.srem(this.indexKey(), agentId);
    // Another process may still hold a console for this agent: keep it indexed.
    if ((await this.redis.hlen(this.key(agentId))) > 0) await this.redis.sadd(this.indexKey(), agentId);
  }

  /** One round trip to Redis however many agents there are. */
  async connectedAgents(only?: string[]): Promise<Set<string>> {
    const agents = only ?? (await this.redis.smembers(this.indexKey()));
    const result = new Set<string>();
    if (agents.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const agentId of agents) pipeline.hgetall(this.key(agentId));
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    agents.forEach((agentId, i) => {
      const fields = (replies[i]?.[1] ?? {}) as Record<string, string>;
      if (Object.values(fields).some((until) => Number(until) > now)) result.add(agentId);
    });
    return result;
  }

  private async heartbeat(): Promise<void> {
    for (const agentId of this.local.keys()) await this.write(agentId);
  }

  private async write(agentId: string): Promise<void> {
    await this.redis.multi().hset(this.key(agentId), this.processId, String(Date.now() + this.ttlMs)).sadd(this.indexKey(), agentId).exec();
  }

  private key(agentId: string): string {
    return `${this.prefix}:presence:${agentId}`;
  }

  private indexKey(): string {
    return `${this.prefix}:presence:index`;
  }
}
