import { io, type Socket } from 'socket.io-client';
import type { AgentAuth, AgentClientToServer, AgentServerToClient } from '../../../../src/contracts/index.js';

export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;

/** How long an acknowledged emit may wait before it counts as failed. */
export const ACK_TIMEOUT_MS = 10_000;

/**
 * The /agent namespace on this origin, authenticated by the session cookie.
 * `auth` is asked again on every (re)connect, so the hub hears the last event
 * seq the console applied and replays what came after.
 */
export function connectAgentSocket(auth: () => AgentAuth = () => ({})): AgentSocket {
  const socket: AgentSocket = io('/agent', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
    auth: (cb) => cb({ ...auth() }),
  });
  return socket;
}
