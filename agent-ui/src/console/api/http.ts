// Thin fetch wrapper for the hub's JSON API: same-origin cookie session, errors
// turned into ApiError carrying the server's {error:{code,message,details?}}.
import { noteServerDate } from '../util/serverClock.js';

/** One field problem as the hub reports it: `path` like `body.serviceLevel.thresholdSeconds`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly FieldIssue[];

  constructor(status: number, code: string, message: string, details: readonly FieldIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** status 0 = the request never got an answer (network down, server gone). */
export const NETWORK_ERROR = 'network_error';
export const UNEXPECTED_RESPONSE = 'unexpected_response';

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function issuesOf(value: unknown): FieldIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((d: unknown) =>
    isRecord(d) && typeof d['path'] === 'string' && typeof d['message'] === 'string'
      ? [{ path: d['path'], message: d['message'] }]
      : [],
  );
}

// Any 401 outside the login call means the session is gone. The app registers one
// listener while someone is signed in and sends them back to the login page.
let unauthorizedListener: (() => void) | null = null;

export function onUnauthorized(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

const LOGIN_PATH = '/api/auth/login';

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, NETWORK_ERROR, '');
  }
  noteServerDate(res.headers.get('Date'));

  if (res.status === 204) return undefined as T;

  let data: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!res.ok) {
    const err = isRecord(data) ? (data as ErrorBody).error : undefined;
    const code = typeof err?.code === 'string' ? err.code : UNEXPECTED_RESPONSE;
    const message = typeof err?.message === 'string' ? err.message : '';
    if (res.status === 401 && path !== LOGIN_PATH) unauthorizedListener?.();
    throw new ApiError(res.status, code, message, issuesOf(err?.details));
  }
  return data as T;
}
