import { useState } from 'react';
import type { MergeCandidateDto } from '../../../../src/customers/contracts.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { mergeCustomer } from './api.js';
import { ConfirmBox } from './ConfirmBox.js';
import { EvidenceList } from './EvidenceList.js';
import { IdentityList } from './IdentityList.js';
import { nameOf, refusalText } from './text.js';

interface Props {
  survivorId: string;
  survivorName: string;
  candidates: MergeCandidateDto[] | null;
  error: unknown;
  onMerged: (mergedName: string) => void;
  onOpen: (customerId: string) => void;
}

/** Records that may be the same person, each with the evidence, and a confirmed merge into the open customer. */
export function MergeCandidates({ survivorId, survivorName, candidates, error, onMerged, onOpen }: Props) {
  const { t, percent } = useI18n();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  async function merge(c: MergeCandidateDto) {
    setBusy(true);
    setFailure(null);
    try {
      await mergeCustomer(survivorId, c.customer.id);
      setConfirming(null);
      onMerged(nameOf(c.customer, t));
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="merge-candidates" aria-labelledby="candidates-title" data-testid="merge-candidates">
      <h3 id="candidates-title">{t('customers.candidates')}</h3>
      {error !== null && <p className="inline-error">{t('customers.candidates.failed', { message: errorText(error, t) })}</p>}
      {candidates === null && error === null && <p className="muted">{t('common.loading')}</p>}
      {candidates?.length === 0 && <p className="muted">{t('customers.candidates.none')}</p>}
      {failure !== null && (
        <p className="inline-error" role="alert" data-testid="merge-error">
          {t('customers.merge.failed', { message: refusalText(failure, t) })}
        </p>
      )}
      <ul className="candidate-list">
        {candidates?.map((c) => (
          <li key={c.customer.id} className="candidate" data-testid="candidate" data-customer-id={c.customer.id}>
            <div className="candidate-head">
              <button type="button" className="link" dir="auto" onClick={() => onOpen(c.customer.id)}>
                {nameOf(c.customer, t)}
              </button>
              <span className="candidate-score">{t('customers.candidates.score', { percent: percent(c.score) })}</span>
            </div>
            <IdentityList customer={c.customer} />
            <EvidenceList evidence={c.evidence} />
            {confirming === c.customer.id ? (
              <ConfirmBox
                title={t('customers.merge.confirmTitle')}
                body={t('customers.merge.confirmBody', { merged: nameOf(c.customer, t), survivor: survivorName })}
                confirmLabel={t('customers.merge.confirm')}
                busyLabel={t('customers.merge.merging')}
                busy={busy}
                onConfirm={() => void merge(c)}
                onCancel={() => setConfirming(null)}
              />
            ) : (
              <button
                type="button"
                onClick={() => {
                  setFailure(null);
                  setConfirming(c.customer.id);
                }}
                data-testid="merge"
              >
                {t('customers.merge')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
