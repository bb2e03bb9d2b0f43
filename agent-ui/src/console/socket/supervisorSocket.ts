import { io, type Socket } from 'socket.io-client';
import type { SupervisorClientToServer, SupervisorServerToClient } from '../../../../src/contracts/index.js';

export type SupervisorSocket = Socket<SupervisorServerToClient, SupervisorClientToServer>;

/**
 * The /supervisor namespace on this origin (session cookie). It shares the
 * agent socket's connection: socket.io multiplexes namespaces of one origin.
 */
export function connectSupervisorSocket(): SupervisorSocket {
  return io('/supervisor', {
    withCredentials: true,
    transports: ['websocket', 'polling'],
  });
}
