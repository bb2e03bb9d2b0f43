import type { Redis } from 'ioredis';

// Renew only while we still hold it; release only our own lease.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One active routing engine among several hub processes: a lease in Redis
 * (SET NX PX), renewed well before it lapses. A process that cannot renew in
 * time steps down on its own clock before anyone else can take over, and a
 * standby takes the lease once it lapses. Safety does not rest on this: offer
 * leases in Postgres stay correct even with two leaders; the lease only keeps
 * the work in one place.
 */
export class LeaderLease {
  private timer: NodeJS.Timeout | undefined;
  private leader = false;
  private heldUntil = 0;
  private attempting = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly holder: string,
    private readonly onChange: (isLeader: boolean) => Promise<void>,
    private readonly ttlMs = 10_000,
  ) {}

  get isLeader(): boolean {
    return this.leader && Date.now() < this.heldUntil;
  }

  async start(): Promise<void> {
    await this.attempt();
    this.timer = setInterval(() => void this.attempt(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.leader) {
      await this.redis.eval(RELEASE, 1, this.key, this.holder).catch(() => undefined);
      await this.set(false);
    }
  }

  private async attempt(): Promise<void> {
    // A Redis call can hang (offline queue): step down on our own clock first.
    if (this.leader && Date.now() >= this.heldUntil) await this.set(false);
    if (this.attempting) return;
    this.attempting = true;
    const started = Date.now();
    try {
      const ok = this.leader
        ? (await this.redis.eval(RENEW, 1, this.key, this.holder, String(this.ttlMs))) === 1
        : (await this.redis.set(this.key, this.holder, 'PX', this.ttlMs, 'NX')) === 'OK';
      // Count the lease from before the request: our view never outlives Redis's.
      if (ok) this.heldUntil = started + this.ttlMs;
      await this.set(ok);
    } catch {
      if (this.leader && Date.now() >= this.heldUntil) await this.set(false);
    } finally {
      this.attempting = false;
    }
  }

  private async set(leader: boolean): Promise<void> {
    if (leader === this.leader) return;
    this.leader = leader;
    await this.onChange(leader);
  }
}
