import type { Namespace } from 'socket.io';
import type { SupervisorClientToServer, SupervisorServerToClient } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { agentStats, queueStats } from '../routing/runtime/stats.js';
import type { StaffSocketData } from './auth.js';
import type { Presence } from './presence.js';

export type SupervisorNamespace = Namespace<SupervisorClientToServer, SupervisorServerToClient, Record<string, never>, StaffSocketData>;

export interface SupervisorFeed {
  /** Something changed: push fresh figures soon (at most every throttleMs). */
  changed(): void;
  stop(): void;
}

/**
 * Pushes queue and agent figures to supervisors connected to this process when
 * routing changes, throttled, and on a slow timer for the clocks (waits, time in state).
 */
export function attachSupervisorNamespace(ns: SupervisorNamespace, deps: { db: Db; presence: Presence; log: Logger; throttleMs?: number; refreshMs?: number }): SupervisorFeed {
  const throttleMs = deps.throttleMs ?? 500;
  const snapshot = async () => ({ at: new Date().toISOString(), queues: await queueStats(deps.db), agents: await agentStats(deps.db, await deps.presence.connectedAgents()) });
  let pending: NodeJS.Timeout | undefined;
  let last = 0;
  const push = () => {
    pending = undefined;
    if (ns.sockets.size === 0) return;
    last = Date.now();
    void snapshot()
      .then((p) => ns.local.emit('stats', p))
      .catch((err: unknown) => deps.log.warn({ err }, 'supervisor stats failed'));
  };
  const changed = () => {
    if (pending || ns.sockets.size === 0) return;
    pending = setTimeout(push, Math.max(0, last + throttleMs - Date.now()));
    pending.unref();
  };
  ns.on('connection', (socket) => {
    void snapshot()
      .then((p) => socket.emit('stats', p))
      .catch((err: unknown) => deps.log.warn({ err }, 'supervisor stats failed'));
  });
  const timer = setInterval(changed, deps.refreshMs ?? 5_000);
  timer.unref();
  return {
    changed,
    stop: () => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    },
  };
}
