import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n/context.js';

interface Props {
  title: string;
  body: string;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** An inline confirmation: focus moves to it, Escape cancels. */
export function ConfirmBox({ title, body, confirmLabel, busyLabel, busy, onConfirm, onCancel }: Props) {
  const { t } = useI18n();
  const titleId = useId();
  const bodyId = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div
      className="confirm-box"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) onCancel();
      }}
    >
      <p id={titleId} className="confirm-title">
        {title}
      </p>
      <p id={bodyId} dir="auto">
        {body}
      </p>
      <div className="confirm-actions">
        <button ref={confirmRef} type="button" className="primary" disabled={busy} onClick={onConfirm} data-testid="confirm">
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('customers.merge.cancel')}
        </button>
      </div>
    </div>
  );
}
