import { useCallback, useEffect, useState } from 'react';
import type { CustomerDetailDto, MergeCandidateDto } from '../../../../src/customers/contracts.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { getCustomer, getMergeCandidates } from './api.js';
import { CustomerTimeline } from './CustomerTimeline.js';
import { IdentityList } from './IdentityList.js';
import { MergeCandidates } from './MergeCandidates.js';
import { MergeHistory } from './MergeHistory.js';
import { nameOf } from './text.js';

interface Props {
  customerId: string;
  /** Open another customer (a candidate, the record this one was merged into, one given back by an undo). */
  onOpen: (customerId: string) => void;
  /** Something changed that search results show (a merge or undo). */
  onChanged?: () => void;
}

/** One customer: identities, the timeline across channels, possible duplicates with evidence, merges and their undo. */
export function CustomerPanel({ customerId, onOpen, onChanged }: Props) {
  const { t, moment } = useI18n();
  const [detail, setDetail] = useState<CustomerDetailDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [candidates, setCandidates] = useState<MergeCandidateDto[] | null>(null);
  const [candidatesError, setCandidatesError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  // Kept as data and worded at render time, so switching language rewords it.
  const [notice, setNotice] = useState<{ kind: 'merged' | 'undone'; name: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await getCustomer(customerId));
      setError(null);
    } catch (err) {
      setError(err);
    }
    try {
      setCandidates(await getMergeCandidates(customerId));
      setCandidatesError(null);
    } catch (err) {
      setCandidatesError(err);
    }
  }, [customerId]);

  useEffect(() => {
    void load();
  }, [load, version]);

  const changed = (next: { kind: 'merged' | 'undone'; name: string }) => {
    setNotice(next);
    setVersion((v) => v + 1);
    onChanged?.();
  };

  if (error !== null && !detail) {
    return (
      <p className="inline-error" role="alert">
        {t('customers.panel.loadFailed', { message: errorText(error, t) })}
      </p>
    );
  }
  if (!detail) return <p className="muted">{t('common.loading')}</p>;
  const c = detail.customer;
  const name = nameOf(c, t);

  return (
    <article className="customer-panel" aria-labelledby="customer-name" data-testid="customer-panel" data-customer-id={c.id}>
      <header className="customer-panel-header">
        <h2 id="customer-name" dir="auto">
          {name}
        </h2>
        <p className="muted">
          {c.lastContactAt ? t('customers.lastContact', { date: moment(c.lastContactAt) }) : t('customers.never')} ·{' '}
          {t('customers.conversations', { count: c.conversationCount })}
        </p>
      </header>
      {detail.mergedInto && (
        <p className="customer-notice" role="status">
          {t('customers.mergedInto')}{' '}
          <button type="button" className="link" onClick={() => onOpen(detail.mergedInto!)}>
            {t('customers.openSurvivor')}
          </button>
        </p>
      )}
      {notice && (
        <p className="customer-notice" role="status" data-testid="customer-notice">
          {t(notice.kind === 'merged' ? 'customers.merge.done' : 'customers.undo.done', { name: notice.name })}
        </p>
      )}
      <section aria-labelledby="identities-title">
        <h3 id="identities-title">{t('customers.identities')}</h3>
        {c.identities.some((i) => i.kind !== 'visitor') || c.unverifiedEmail ? <IdentityList customer={c} /> : <p className="muted">{t('customers.noIdentities')}</p>}
      </section>
      {!detail.mergedInto && (
        <MergeCandidates
          survivorId={c.id}
          survivorName={name}
          candidates={candidates}
          error={candidatesError}
          onOpen={onOpen}
          onMerged={(name) => changed({ kind: 'merged', name })}
        />
      )}
      <MergeHistory merges={detail.merges} onUndone={(name) => changed({ kind: 'undone', name })} />
      <CustomerTimeline key={`${c.id}:${version}`} customerId={c.id} />
    </article>
  );
}
