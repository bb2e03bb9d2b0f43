import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Drops this process's field for the agent and prunes fields of processes that
 * stopped heartbeating. When no live console is left anywhere, records when the
 * agent's last console went (kept if already set: the earliest loss counts).
 * Atomic, so two processes losing an agent's last two consoles at once cannot
 * both believe the other still holds one.
 */
const DROP = `
redis.call('HDEL', KEYS[1], ARGV[1])
local now = tonumber(ARGV[2])
local live = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if tonumber(fields[i + 1]) > now then live = live + 1 else redis.call('HDEL', KEYS[1], fields[i]) end
end
if live > 0 then return 0 end
redis.call('SREM', KEYS[3], ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[4])
return 1
`;

/**
 * -1 while some process has a live console for the agent; otherwise when the
 * last one went. A process that died without saying so is known only by its
 * last heartbeat (its expiry minus the TTL); with nothing known at all, now.
 */
const GONE_SINCE = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local seen = nil
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local expiry = tonumber(fields[i + 1])
  if expiry > now then return -1 end
  if seen == nil or expiry - ttl > seen then seen = expiry - ttl end
end
local gone = redis.call('GET', KEYS[2])
if gone then return tonumber(gone) end
if seen == nil then seen = now end
redis.call('SET', KEYS[2], tostring(seen), 'PX', ARGV[3])
return seen
`;

/** A lost console is forgotten after a week: by then the agent reconnected or was marked offline long ago. */
const GONE_KEEP_MS = 7 * 86_400_000;

/**
 * Which agents have a console open, across hub processes. Each process keeps
 * its own socket counts and writes, per agent, a field named after itself with
 * an expiry time into one Redis hash; a crashed process's fields simply lapse.
 * When an agent's last console anywhere goes, a second key remembers when, so
 * whichever process settles it later (src/realtime/console-sessions.ts) records
 * the loss at the moment it happened.
 */
export class Presence {
  readonly processId = randomUUID();
  private readonly local = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs = 30_000,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), this.ttlMs / 3);
    this.timer.unref();
  }

  /** Graceful stop: this process's consoles count as gone now (another process may still hold some). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const agents = [...this.local.keys()];
    this.local.clear();
    await Promise.all(agents.map((a) => this.drop(a))).catch(() => undefined);
  }

  async connected(agentId: string): Promise<void> {
    this.local.set(agentId, (this.local.get(agentId) ?? 0) + 1);
    await this.redis
      .multi()
      .hset(this.key(agentId), this.processId, String(this.now() + this.ttlMs))
      .sadd(this.indexKey(), agentId)
      .del(this.goneKey(agentId))
      .exec();
  }

  /** Resolves true when that was the agent's last console on any process. */
  async disconnected(agentId: string): Promise<boolean> {
    const n = (this.local.get(agentId) ?? 1) - 1;
    if (n > 0) {
      this.local.set(agentId, n);
      return false;
    }
    this.local.delete(agentId);
    return this.drop(agentId);
  }

  /** When the agent's last console went (epoch ms), or null while one is open somewhere. */
  async goneSince(agentId: string): Promise<number | null> {
    const reply = Number(await this.redis.eval(GONE_SINCE, 2, this.key(agentId), this.goneKey(agentId), String(this.now()), String(this.ttlMs), String(GONE_KEEP_MS)));
    return reply < 0 ? null : reply;
  }

  /** Forgets a recorded loss once it has been settled, unless a newer one replaced it. */
  async forgetGone(agentId: string, since: number): Promise<void> {
    const key = this.goneKey(agentId);
    await this.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, key, String(since));
  }

  /** One round trip to Redis however many agents there are. */
  async connectedAgents(only?: string[]): Promise<Set<string>> {
    const agents = only ?? (await this.redis.smembers(this.indexKey()));
    const result = new Set<string>();
    if (agents.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const agentId of agents) pipeline.hgetall(this.key(agentId));
    const replies = (await pipeline.exec()) ?? [];
    const now = this.now();
    agents.forEach((agentId, i) => {
      const fields = (replies[i]?.[1] ?? {}) as Record<string, string>;
      if (Object.values(fields).some((until) => Number(until) > now)) result.add(agentId);
    });
    return result;
  }

  private async drop(agentId: string): Promise<boolean> {
    const reply = await this.redis.eval(DROP, 3, this.key(agentId), this.goneKey(agentId), this.indexKey(), this.processId, String(this.now()), agentId, String(GONE_KEEP_MS));
    return Number(reply) === 1;
  }

  private async heartbeat(): Promise<void> {
    for (const agentId of this.local.keys()) {
      await this.redis.multi().hset(this.key(agentId), this.processId, String(this.now() + this.ttlMs)).sadd(this.indexKey(), agentId).exec();
    }
  }

  private key(agentId: string): string {
    return `${this.prefix}:presence:${agentId}`;
  }

  private goneKey(agentId: string): string {
    return `${this.prefix}:presence:gone:${agentId}`;
  }

  private indexKey(): string {
    return `${this.prefix}:presence:index`;
  }
}
