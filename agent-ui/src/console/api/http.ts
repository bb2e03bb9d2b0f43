// Thin fetch wrapper for the hub's JSON API: same-origin cookie session, errors
// turned into ApiError carrying the server's {error:{code,message}}.
import { noteServerDate } from '../util/serverClock.js';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** status 0 = the request never got an answer (network down, server gone). */
export const NETWORK_ERROR = 'network_error';
export const UNEXPECTED_RESPONSE = 'unexpected_response';

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

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
    throw new ApiError(res.status, code, message);
  }
  return data as T;
}
