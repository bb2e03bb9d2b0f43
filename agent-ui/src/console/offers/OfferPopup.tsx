import { useCallback, useEffect, useRef } from 'react';
import type { OfferDto } from '../../../../src/contracts/index.js';
import { ChannelBadge } from '../conversations/ChannelBadge.js';
import { useI18n } from '../i18n/context.js';
import { customerLabel } from '../util/customer.js';
import { useCountdown } from './useCountdown.js';

interface Props {
  offer: OfferDto;
  /** Further offers queued behind this one. */
  waiting: number;
  busy: boolean;
  onAccept: (offer: OfferDto) => void;
  onReject: (offer: OfferDto) => void;
  onExpired: (offer: OfferDto) => void;
}

/**
 * Modal for the offer at the head of the queue; the parent keys it by offerId.
 * `onExpired` must be a stable callback (useCallback) in the parent.
 */
export function OfferPopup({ offer, waiting, busy, onAccept, onReject, onExpired }: Props) {
  const { t, number } = useI18n();
  const acceptRef = useRef<HTMLButtonElement>(null);
  // Stable while the offer and the parent's callback are, so the ticking
  // interval is not restarted on every render.
  const onZero = useCallback(() => onExpired(offer), [onExpired, offer]);
  const leftMs = useCountdown(offer.expiresAt, onZero);

  useEffect(() => {
    acceptRef.current?.focus();
  }, []);

  const seconds = Math.ceil(leftMs / 1000);
  const name = customerLabel(offer.customer) ?? t('customer.unknown');

  return (
    <div className="modal-backdrop">
      <div
        className="modal offer-popup"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="offer-title"
        data-testid="offer-popup"
        data-offer-id={offer.offerId}
      >
        <h2 id="offer-title">{t('offer.title')}</h2>
        <dl className="offer-facts">
          <dt>{t('offer.channel')}</dt>
          <dd>
            <ChannelBadge channel={offer.channel} />
          </dd>
          <dt>{t('offer.queue')}</dt>
          <dd dir="auto">{offer.queue}</dd>
          <dt>{t('offer.customer')}</dt>
          <dd dir="auto" data-testid="offer-customer">
            {name}
          </dd>
        </dl>
        {offer.preview && (
          <blockquote className="offer-preview" dir="auto" data-testid="offer-preview">
            {offer.preview}
          </blockquote>
        )}
        <p className="offer-timer">
          {t('offer.expiresIn')}{' '}
          <strong data-testid="offer-countdown" data-seconds={seconds}>
            {number(seconds)}
          </strong>{' '}
          {t('offer.seconds')}
        </p>
        <div className="modal-actions">
          <button
            type="button"
            className="primary"
            ref={acceptRef}
            disabled={busy}
            onClick={() => onAccept(offer)}
            data-testid="offer-accept"
            aria-keyshortcuts="Alt+A"
            title={`${t('rt.key.accept')} (${t('rt.kbd.alt')} + A)`}
          >
            {t('offer.accept')}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => onReject(offer)}
            data-testid="offer-reject"
            aria-keyshortcuts="Alt+R"
            title={`${t('rt.key.reject')} (${t('rt.kbd.alt')} + R)`}
          >
            {t('offer.reject')}
          </button>
        </div>
        {waiting > 0 && <p className="offer-more">{t('offer.more', { count: waiting })}</p>}
      </div>
    </div>
  );
}
