import type { Redis } from 'ioredis';

/** One sequenced event, as stored and as replayed. */
export interface LoggedEvent {
  seq: number;
  event: string;
  args: unknown[];
}

export type ReplayResult =
  /** Everything after `after` is here, in order; `head` is the newest seq the hub has issued. */
  | { kind: 'events'; events: LoggedEvent[]; head: number }
  /** The gap is older than what we keep (or the log was lost): the console must refetch everything. */
  | { kind: 'resync'; head: number };

/*
 * Why a Redis stream per agent rather than a Postgres table: these events are
 * notifications about state that is already durable in Postgres (messages,
 * assignments, offers), so the log only needs to outlive a socket drop, a hub
 * restart or a move to another hub process — Redis, shared by every process,
 * does that. Each append is one atomic script (INCR the agent's counter, XADD
 * with the counter as the entry id, MAXLEN trim, refresh the expiry), so the
 * seq is gap-free and ordered however many processes append. Should Redis lose
 * the log (flush, eviction, expiry of an idle agent's keys) the counter goes
 * back below what the console last saw, or the oldest entry is past its gap,
 * and the console is told to resync: a refetch, never a silent hole.
 */
const APPEND = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '0-' .. seq, 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return seq
`;

export interface EventLogOptions {
  /** Entries kept per agent (approximately: Redis trims whole nodes). */
  maxLen?: number;
  /** An agent's log and counter vanish after this long without a new event. */
  ttlMs?: number;
}

export class AgentEventLog {
  private readonly maxLen: number;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: EventLogOptions = {},
  ) {
    this.maxLen = options.maxLen ?? 1000;
    this.ttlMs = options.ttlMs ?? 24 * 3600_000;
  }

  /** Stores the event and returns its per-agent sequence number. */
  async append(agentId: string, event: string, args: unknown[]): Promise<number> {
    const seq = await this.redis.eval(APPEND, 2, this.counterKey(agentId), this.streamKey(agentId), String(this.maxLen), JSON.stringify({ event, args }), String(this.ttlMs));
    return Number(seq);
  }

  /** The newest seq issued to this agent (0 when none, or the log has expired). */
  async head(agentId: string): Promise<number> {
    return Number((await this.redis.get(this.counterKey(agentId))) ?? 0);
  }

  /** Events after `after`, or 'resync' when some of them are no longer kept. */
  async after(agentId: string, after: number): Promise<ReplayResult> {
    const replies = ((await this.redis
      .multi()
      .get(this.counterKey(agentId))
      .xrange(this.streamKey(agentId), '-', '+', 'COUNT', 1)
      .xrange(this.streamKey(agentId), `0-${after + 1}`, '+')
      .exec()) ?? []) as [unknown, unknown][];
    const [headRaw, oldestRaw, rangeRaw] = replies.map((r) => r[1]);
    const head = Number(headRaw ?? 0);
    if (after > head) return { kind: 'resync', head };
    if (after === head) return { kind: 'events', events: [], head };
    const oldest = (oldestRaw as [string, string[]][])[0];
    if (!oldest || seqOf(oldest[0]) > after + 1) return { kind: 'resync', head };
    const events = (rangeRaw as [string, string[]][]).map(([id, fields]) => {
      const parsed = JSON.parse(fields[1] ?? '{}') as { event: string; args: unknown[] };
      return { seq: seqOf(id), event: parsed.event, args: parsed.args };
    });
    return { kind: 'events', events, head };
  }

  private counterKey(agentId: string): string {
    return `${this.prefix}:agent-events:${agentId}:seq`;
  }

  private streamKey(agentId: string): string {
    return `${this.prefix}:agent-events:${agentId}:log`;
  }
}

function seqOf(streamId: string): number {
  return Number(streamId.slice(streamId.indexOf('-') + 1));
}
