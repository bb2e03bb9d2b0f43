import type { I18n } from '../i18n/context.js';
import { ApiError, NETWORK_ERROR } from './http.js';

/** The message to show for a failed call: the server's own words when it gave any. */
export function errorText(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError) {
    if (err.code === NETWORK_ERROR) return t('common.networkError');
    if (err.message) return err.message;
    return t('common.unexpected', { status: err.status });
  }
  if (err instanceof Error && /timed out/i.test(err.message)) return t('common.timeout');
  if (err instanceof Error && err.message) return err.message;
  return t('common.networkError');
}
