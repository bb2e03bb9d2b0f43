import { io, type Socket } from 'socket.io-client';
import type { AgentClientToServer, AgentServerToClient } from '../../../../src/contracts/index.js';

export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;

/** How long an acknowledged emit may wait before it counts as failed. */
export const ACK_TIMEOUT_MS = 10_000;

/** The /agent namespace on this origin, authenticated by the session cookie. */
export function connectAgentSocket(): AgentSocket {
  const socket: AgentSocket = io('/agent', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
  });
  return socket;
}
