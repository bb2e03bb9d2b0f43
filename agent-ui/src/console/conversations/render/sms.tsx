import { useEffect, useMemo, useState } from 'react';
import type { Channel, MessageDto } from '../../../../../src/contracts/index.js';
import { smsSegments } from '../../../../../src/domain/sms-segments.js';
import { api } from '../../api/http.js';
import { useI18n } from '../../i18n/context.js';
import { smsMeta } from './meta.js';

/** Segments, MMS media and an opt keyword under an SMS bubble. */
export function SmsDetails({ message }: { message: MessageDto }) {
  const { t } = useI18n();
  const meta = useMemo(() => smsMeta(message.metadata), [message.metadata]);
  return (
    <>
      {meta.media.length > 0 && (
        <ul className="sms-media" aria-label={t('ch.sms.media')}>
          {meta.media.map((m) => (
            <li key={m.url} data-testid="sms-media">
              {/^image\/(png|jpeg|gif|webp)$/.test(m.contentType) ? (
                <a href={m.url} target="_blank" rel="noopener noreferrer">
                  <img src={m.url} alt={t('ch.sms.media')} loading="lazy" referrerPolicy="no-referrer" />
                </a>
              ) : (
                <a href={m.url} target="_blank" rel="noopener noreferrer">
                  {t('ch.sms.openMedia', { type: m.contentType })}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
      {(meta.segments || meta.optKeyword) && (
        <p className="sms-details muted">
          {meta.segments && (
            <span data-testid="sms-segments">
              {meta.segments.segments === 1
                ? t('ch.sms.segmentsOne', { encoding: meta.segments.encoding })
                : t('ch.sms.segments', { n: meta.segments.segments, encoding: meta.segments.encoding })}
            </span>
          )}
          {meta.optKeyword && <span data-testid="sms-opt-keyword">{t('ch.sms.optKeyword', { keyword: meta.optKeyword })}</span>}
        </p>
      )}
    </>
  );
}

/** Under the reply box: what the text being typed costs in SMS parts, live. */
export function SmsSegmentCounter({ text }: { text: string }) {
  const { t } = useI18n();
  const s = smsSegments(text);
  const over = s.segments > 1;
  return (
    <p className={`sms-counter${over ? ' sms-counter-multi' : ''}`} aria-live="polite" title={t('ch.sms.counterHint')} data-testid="sms-counter" data-segments={s.segments} data-encoding={s.encoding}>
      {t('ch.sms.counter', { chars: s.length, segments: s.segments, encoding: s.encoding })}
    </p>
  );
}

export interface SmsOptOut {
  optedOut: boolean;
  keyword: string | null;
  at: string | null;
}

/** The SMS conversation's opt-out state (GET /api/sms/conversations/:id); null until known or for other channels. */
export function useSmsOptOut(conversationId: string, channel: Channel | undefined, refreshKey: unknown): SmsOptOut | null {
  const [state, setState] = useState<SmsOptOut | null>(null);
  useEffect(() => {
    if (channel !== 'sms') return;
    let cancelled = false;
    api<{ optOut: SmsOptOut }>('GET', `/api/sms/conversations/${encodeURIComponent(conversationId)}`)
      .then((res) => {
        if (!cancelled) setState(res.optOut);
      })
      // Not knowing is not an opt-out: the outbox still refuses a send to an opted-out number.
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [conversationId, channel, refreshKey]);
  return channel === 'sms' ? state : null;
}

/** A clear warning above the reply box when the customer opted out. */
export function SmsOptOutBanner({ optOut }: { optOut: SmsOptOut }) {
  const { t, dateTime } = useI18n();
  if (!optOut.optedOut) return null;
  return (
    <p className="sms-optout-banner" role="alert" data-testid="sms-optout-banner">
      {optOut.at ? t('ch.sms.optedOut', { keyword: optOut.keyword ?? 'STOP', date: dateTime(optOut.at) }) : t('ch.sms.optedOutNoDate')}
    </p>
  );
}
