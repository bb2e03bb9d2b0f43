import { sql } from 'kysely';
import type { Db, Tx } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { StatusReason } from '../reports/schema.js';
import type { Presence } from './presence.js';

export interface ConsoleSessionsOptions {
  db: Db;
  presence: Presence;
  log: Logger;
  /** How long an agent may be without a console before the hub records them offline. */
  graceMs: number;
  /** Only one process sweeps (the routing leader); the others would only repeat its work. */
  isSweeper: () => boolean;
  /** After the hub changed an agent's status: routing and the dashboards must learn it. */
  onChange: (agentId: string) => void;
  sweepEveryMs?: number;
  now?: () => number;
}

/** Names the reason the history trigger records for this transaction's status change (migration 0018). */
async function markReason(tx: Tx, reason: StatusReason): Promise<void> {
  await sql`select set_config('pasokh.status_reason', ${reason}, true)`.execute(tx);
}

/**
 * Turns "no console open" into "offline" for the reports and the dashboards.
 *
 * Routing already stops offering work the moment an agent's last console goes
 * (the engine sees `connected: false`). What was missing is the record: the
 * agent's chosen status stayed "available" in Postgres, so a closed tab counted
 * as logged-in time. Once the last console has been gone for the grace period
 * (a reload or a short network drop does not count), the agent is set offline
 * *as of the moment it went*, and their next console puts back the status they
 * had chosen, as a reload always did.
 *
 * "Last console" is decided across hub processes by Presence (Redis). The
 * decision is made under the agent_state row lock, and a console's connect
 * writes Redis before it takes that lock to restore, so a console arriving
 * during a settle is either seen by it (no change) or restores after it.
 */
export class ConsoleSessions {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly o: ConsoleSessionsOptions) {
    this.now = o.now ?? Date.now;
  }

  get graceMs(): number {
    return this.o.graceMs;
  }

  start(): void {
    const every = this.o.sweepEveryMs ?? Math.min(5_000, Math.max(250, this.o.graceMs / 2));
    this.timer = setInterval(() => {
      if (this.o.isSweeper()) void this.sweep().catch((err: unknown) => this.o.log.warn({ err }, 'console session sweep failed'));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping.catch(() => undefined);
  }

  /**
   * Records offline every agent who is not offline, has no console anywhere,
   * and lost the last one at least the grace period before `now`. Returns the
   * agents it changed. Sweeps run one at a time.
   */
  sweep(now = this.now()): Promise<string[]> {
    const run = this.sweeping.then(
      () => this.sweepOnce(now),
      () => this.sweepOnce(now),
    );
    this.sweeping = run.catch(() => undefined);
    return run;
  }

  private async sweepOnce(now: number): Promise<string[]> {
    const rows = await this.o.db.selectFrom('agent_state').select('user_id').where('status', '!=', 'offline').execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.user_id);
    const live = await this.o.presence.connectedAgents(ids);
    const changed: string[] = [];
    for (const agentId of ids) {
      if (live.has(agentId)) continue;
      if (await this.settle(agentId, now)) changed.push(agentId);
    }
    for (const agentId of changed) this.o.onChange(agentId);
    return changed;
  }

  /** Offline as of the loss, if it is older than the grace period and still true under the row lock. */
  private async settle(agentId: string, now: number): Promise<boolean> {
    let settled: number | null = null;
    let changed = false;
    await this.o.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('agent_state').select(['status', 'status_since']).where('user_id', '=', agentId).forUpdate().executeTakeFirst();
      if (!row) return;
      const gone = await this.o.presence.goneSince(agentId);
      if (gone === null) return;
      if (row.status === 'offline') {
        settled = gone;
        return;
      }
      if (now - gone < this.o.graceMs) return;
      await markReason(tx, 'connection_lost');
      // Never before the status it replaces: history stays in order even if routing changed it after the loss.
      const at = new Date(Math.max(gone, row.status_since.getTime()));
      await tx.updateTable('agent_state').set({ status: 'offline', status_since: at, resume_status: row.status }).where('user_id', '=', agentId).execute();
      this.o.log.info({ agentId, since: new Date(gone).toISOString(), was: row.status }, 'agent offline: no console within the grace period');
      settled = gone;
      changed = true;
    });
    if (settled !== null) await this.o.presence.forgetGone(agentId, settled);
    return changed;
  }

  /**
   * A console of the agent connected (after Presence recorded it): if the hub
   * had marked them offline for a lost connection, they get their status back.
   * Returns whether the status changed.
   */
  async resume(agentId: string): Promise<boolean> {
    return this.o.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('agent_state').select(['status', 'resume_status']).where('user_id', '=', agentId).forUpdate().executeTakeFirst();
      if (!row?.resume_status) return false;
      if (row.status !== 'offline') {
        // The agent chose a status since: theirs wins.
        await tx.updateTable('agent_state').set({ resume_status: null }).where('user_id', '=', agentId).execute();
        return false;
      }
      await markReason(tx, 'reconnected');
      await tx
        .updateTable('agent_state')
        .set({ status: row.resume_status, status_since: sql<Date>`now()`, resume_status: null, ...(row.resume_status === 'available' ? { missed_offers: 0 } : {}) })
        .where('user_id', '=', agentId)
        .execute();
      return true;
    });
  }
}
