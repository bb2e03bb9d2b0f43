// The signed-in user's language choice, kept on the hub so it follows them to
// any browser. Until they pick one, the console follows the browser's language.
import { api } from '../api/http.js';
import type { Lang } from '../i18n/strings.js';

/** Best effort: the switch has already taken effect here; a failed save only means another browser won't know. */
export function saveLanguage(language: Lang): void {
  void api('PUT', '/api/auth/me/preferences', { language }).catch(() => undefined);
}
