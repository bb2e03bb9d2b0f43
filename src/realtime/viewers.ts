import type { Redis } from 'ioredis';
import type { StaffViewerDto } from '../contracts/index.js';

/**
 * Who has a conversation open, across hub processes: one Redis hash per
 * conversation, a field per console socket holding the viewer and an expiry.
 * A socket that disconnects removes its field at once; a crashed process's
 * fields lapse when the console stops re-announcing (it does so every ttl/3).
 */
export class ConversationViewers {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs = 90_000,
  ) {}

  async add(conversationId: string, socketId: string, viewer: StaffViewerDto, now = Date.now()): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(conversationId), socketId, JSON.stringify({ ...viewer, until: now + this.ttlMs }))
      .pexpire(this.key(conversationId), this.ttlMs)
      .exec();
  }

  async remove(conversationId: string, socketId: string): Promise<void> {
    await this.redis.hdel(this.key(conversationId), socketId);
  }

  /** One entry per person (a user with two tabs counts once), in order of name. */
  async list(conversationId: string, now = Date.now()): Promise<StaffViewerDto[]> {
    const fields = await this.redis.hgetall(this.key(conversationId));
    const byUser = new Map<string, StaffViewerDto>();
    for (const raw of Object.values(fields)) {
      const v = JSON.parse(raw) as StaffViewerDto & { until: number };
      if (v.until > now) byUser.set(v.id, { id: v.id, name: v.name, role: v.role });
    }
    return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private key(conversationId: string): string {
    return `${this.prefix}:viewers:${conversationId}`;
  }
}
