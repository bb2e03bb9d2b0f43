import type { CustomerSummary } from '../../../../src/contracts/index.js';
import type { EvidenceKind } from '../../../../src/customers/contracts.js';
import { ApiError } from '../api/http.js';
import { errorText } from '../api/errorText.js';
import type { I18n } from '../i18n/context.js';
import type { StringKey } from '../i18n/strings.js';

const KNOWN_REFUSALS = ['open_conversation_conflict', 'contact_since_merge', 'survivor_merged_since', 'already_undone', 'already_merged', 'identity_moved_since'] as const;
type Refusal = (typeof KNOWN_REFUSALS)[number];

/** A refused merge or undo in the reader's language when we know the reason; the server's words otherwise. */
export function refusalText(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError && (KNOWN_REFUSALS as readonly string[]).includes(err.code)) {
    const channel = /open (\w+) conversation/.exec(err.message)?.[1];
    const channelName = channel && ['webchat', 'sms', 'email', 'voice'].includes(channel) ? t(`channel.${channel}` as StringKey) : (channel ?? '');
    return t(`customers.error.${err.code as Refusal}`, { channel: channelName });
  }
  return errorText(err, t);
}

export function evidenceText(kind: EvidenceKind, detail: string, t: I18n['t']): string {
  return t(`customers.evidence.${kind}`, { detail });
}

export function nameOf(c: Pick<CustomerSummary, 'name' | 'identities'>, t: I18n['t']): string {
  if (c.name && c.name.trim()) return c.name;
  const first = c.identities.find((i) => i.kind !== 'visitor');
  return first ? first.value : t('customers.unnamed');
}

/** An address or number set left-to-right inside running text of either direction (Unicode isolates). */
export function isolateLtr(value: string): string {
  return `\u2066${value}\u2069`;
}
