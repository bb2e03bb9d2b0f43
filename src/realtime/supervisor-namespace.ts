import type { Namespace } from 'socket.io';
import type { SupervisorClientToServer, SupervisorServerToClient } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { agentStats, queueStats } from '../routing/runtime/stats.js';
import type { StaffSocketData } from './auth.js';
import type { Presence } from './presence.js';

export type SupervisorNamespace = Namespace<SupervisorClientToServer, SupervisorServerToClient, Record<string, never>, StaffSocketData>;

/** Pushes queue and agent figures to supervisors every few seconds while any is watching. */
export function attachSupervisorNamespace(ns: SupervisorNamespace, deps: { db: Db; presence: Presence; log: Logger; everyMs?: number }): () => void {
  const push = async () => {
    const payload = { at: new Date().toISOString(), queues: await queueStats(deps.db), agents: await agentStats(deps.db, await deps.presence.connectedAgents()) };
    return payload;
  };
  ns.on('connection', (socket) => {
    void push()
      .then((p) => socket.emit('stats', p))
      .catch((err: unknown) => deps.log.warn({ err }, 'supervisor stats failed'));
  });
  const timer = setInterval(() => {
    if (ns.sockets.size === 0) return;
    void push()
      .then((p) => ns.local.emit('stats', p))
      .catch((err: unknown) => deps.log.warn({ err }, 'supervisor stats failed'));
  }, deps.everyMs ?? 2000);
  timer.unref();
  return () => clearInterval(timer);
}
