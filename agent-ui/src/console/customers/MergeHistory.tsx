import { useState } from 'react';
import type { MergeRecordDto } from '../../../../src/customers/contracts.js';
import { useI18n } from '../i18n/context.js';
import { undoMerge } from './api.js';
import { ConfirmBox } from './ConfirmBox.js';
import { EvidenceList } from './EvidenceList.js';
import { isolateLtr, refusalText } from './text.js';

interface Props {
  merges: MergeRecordDto[];
  onUndone: (mergedName: string, mergedId: string) => void;
}

/** Merges into this customer, newest first, with who did them, the evidence then, and undo. */
export function MergeHistory({ merges, onUndone }: Props) {
  const { t, dateTime } = useI18n();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ id: string; error: unknown } | null>(null);
  if (merges.length === 0) return null;
  const label = (m: MergeRecordDto) => m.mergedName ?? m.movedIdentities[0]?.value ?? t('customers.unnamed');

  async function undo(m: MergeRecordDto) {
    setBusy(true);
    setFailure(null);
    try {
      await undoMerge(m.id);
      setConfirming(null);
      onUndone(label(m), m.mergedId);
    } catch (error) {
      setFailure({ id: m.id, error });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="merge-history" aria-labelledby="merge-history-title" data-testid="merge-history">
      <h3 id="merge-history-title">{t('customers.history')}</h3>
      <ul>
        {merges.map((m) => (
          <li key={m.id} className={m.undoneAt ? 'merge-undone' : ''} data-testid="merge-record" data-merge-id={m.id}>
            <p dir="auto">
              {t('customers.history.entry', { name: label(m), actor: m.actor?.name ?? t('customers.someone'), date: dateTime(m.createdAt) })}
            </p>
            <p className="muted" dir="auto">
              {t('customers.history.moved', { identities: m.movedIdentities.map((i) => isolateLtr(i.value)).join(', ') || '—', count: m.movedConversationIds.length })}
            </p>
            <details>
              <summary>{t('customers.history.evidence')}</summary>
              {m.evidence.length > 0 ? <EvidenceList evidence={m.evidence} /> : <p className="muted">{t('customers.history.noEvidence')}</p>}
            </details>
            {m.undoneAt ? (
              <p className="muted" data-testid="merge-undone">
                {t('customers.history.undone', { actor: m.undoneBy?.name ?? t('customers.someone'), date: dateTime(m.undoneAt) })}
              </p>
            ) : confirming === m.id ? (
              <ConfirmBox
                title={t('customers.undo.confirmTitle')}
                body={t('customers.undo.confirmBody', { name: label(m) })}
                confirmLabel={t('customers.undo')}
                busyLabel={t('customers.undo.undoing')}
                busy={busy}
                onConfirm={() => void undo(m)}
                onCancel={() => setConfirming(null)}
              />
            ) : (
              <button
                type="button"
                onClick={() => {
                  setFailure(null);
                  setConfirming(m.id);
                }}
                data-testid="undo-merge"
              >
                {t('customers.undo')}
              </button>
            )}
            {failure?.id === m.id && (
              <p className="inline-error" role="alert" data-testid="undo-error">
                {t('customers.undo.failed', { message: refusalText(failure.error, t) })}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
