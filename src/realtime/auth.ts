import { parse as parseCookie } from 'cookie';
import type { Socket } from 'socket.io';
import { SESSION_COOKIE, type SessionStore, type SessionUser } from '../auth/sessions.js';
import type { Role } from '../contracts/index.js';

export interface StaffSocketData {
  user: SessionUser;
  /** The conversation this console has open (collision display), if any. */
  viewing?: string;
}

/** socket.io middleware: the session cookie must name a user with one of these roles. */
export function requireRole(sessions: SessionStore, roles: readonly Role[]) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    try {
      const cookies = parseCookie(socket.handshake.headers.cookie ?? '');
      const user = await sessions.resolve(cookies[SESSION_COOKIE]);
      if (!user) return next(new Error('unauthorized'));
      if (!roles.includes(user.role)) return next(new Error('forbidden'));
      (socket.data as StaffSocketData).user = user;
      next();
    } catch {
      next(new Error('unavailable'));
    }
  };
}
