import { useCallback, useEffect, useRef, useState } from 'react';
import type { SupervisorServerToClient } from '../../../../src/contracts/index.js';
import { currentUser } from '../api/endpoints.js';
import { connectSupervisorSocket, type SupervisorSocket } from '../socket/supervisorSocket.js';
import type { ConnectionState } from '../workspace/TopBar.js';
import { prune, record, type History } from './history.js';

export type StatsPayload = Parameters<SupervisorServerToClient['stats']>[0];

export interface Feed {
  connection: ConnectionState;
  /** The latest push, and when it arrived on this machine's clock (for local ticking). */
  stats: StatsPayload | null;
  receivedAt: number;
  history: History;
  /** The hub refused this user the supervisor feed (role changed). */
  refused: boolean;
  reconnect: () => void;
}

const HISTORY_KEY = 'pasokh:console:supervisor:waiting';
const RETRY_MS = 3000;

function loadHistory(): History {
  try {
    const raw = window.localStorage.getItem(HISTORY_KEY);
    if (!raw) return {};
    const parsed = JSON.parse(raw) as { v?: unknown; history?: unknown };
    if (parsed.v !== 1 || typeof parsed.history !== 'object' || parsed.history === null) return {};
    return prune(parsed.history as History, Date.now());
  } catch {
    return {};
  }
}

function saveHistory(history: History): void {
  try {
    window.localStorage.setItem(HISTORY_KEY, JSON.stringify({ v: 1, history }));
  } catch {
    // The chart still works for this page; it just starts empty after a reload.
  }
}

/** The /supervisor socket for as long as the dashboard is open. */
export function useSupervisorFeed(onSessionLost: () => void): Feed {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [stats, setStats] = useState<StatsPayload | null>(null);
  const [receivedAt, setReceivedAt] = useState(0);
  const [history, setHistory] = useState<History>(loadHistory);
  const [refused, setRefused] = useState(false);
  const socketRef = useRef<SupervisorSocket | null>(null);
  const sessionLostRef = useRef(onSessionLost);
  useEffect(() => {
    sessionLostRef.current = onSessionLost;
  }, [onSessionLost]);

  useEffect(() => {
    const s = connectSupervisorSocket();
    socketRef.current = s;
    let retry: number | undefined;

    s.on('connect', () => {
      setConnection('connected');
      setRefused(false);
    });
    s.on('disconnect', (reason) => {
      setConnection('disconnected');
      // Closed by the hub on purpose: socket.io does not retry that by itself.
      if (reason === 'io server disconnect') retry = window.setTimeout(() => s.connect(), RETRY_MS);
    });
    s.on('connect_error', (err) => {
      setConnection('disconnected');
      if (err.message === 'unauthorized') {
        sessionLostRef.current();
        return;
      }
      if (err.message === 'forbidden') {
        setRefused(true);
        return;
      }
      // A refusal by the hub's middleware (e.g. 'unavailable') is not retried by
      // socket.io; transport failures are. Check the session, then try again.
      if (!s.active) {
        currentUser().then(
          () => {
            retry = window.setTimeout(() => s.connect(), RETRY_MS);
          },
          () => undefined,
        );
      }
    });
    s.on('stats', (payload) => {
      setStats(payload);
      setReceivedAt(Date.now());
      setHistory((h) => {
        const next = record(h, Date.parse(payload.at), payload.queues);
        saveHistory(next);
        return next;
      });
    });

    return () => {
      if (retry !== undefined) window.clearTimeout(retry);
      s.removeAllListeners();
      s.disconnect();
      socketRef.current = null;
    };
  }, []);

  const reconnect = useCallback(() => {
    const s = socketRef.current;
    if (s && !s.connected) s.connect();
  }, []);

  return { connection, stats, receivedAt, history, refused, reconnect };
}
