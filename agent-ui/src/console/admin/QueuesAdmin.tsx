import { useCallback, useEffect, useState } from 'react';
import { listQueues, type QueueRow } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { ChannelBadge } from '../conversations/ChannelBadge.js';
import { useI18n } from '../i18n/context.js';
import { AdminTable } from './AdminTable.js';
import type { Saved } from './saved.js';
import { exprText } from './exprText.js';
import { QueueForm } from './QueueForm.js';

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: string };

/** Queues: the list, and the form to create one or change one. */
export function QueuesAdmin() {
  const { t, number, percent } = useI18n();
  const [queues, setQueues] = useState<QueueRow[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  // Kept as a key and its name, so switching language rewords it.
  const [saved, setSaved] = useState<Saved | null>(null);

  const load = useCallback(async () => {
    try {
      setQueues(await listQueues());
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const editingQueue = editing.kind === 'edit' ? (queues?.find((q) => q.id === editing.id) ?? null) : null;
  const nameOf = (id: string) => queues?.find((q) => q.id === id)?.name ?? id;

  return (
    <section aria-labelledby="queues-admin-title" data-testid="queues-admin">
      <div className="page-header">
        <h2 id="queues-admin-title">{t('admin.queues')}</h2>
        {editing.kind === 'none' && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setEditing({ kind: 'new' });
              setSaved(null);
            }}
            data-testid="queue-new"
          >
            {t('admin.newQueue')}
          </button>
        )}
      </div>
      {saved && (
        <p className="form-ok" role="status" data-testid="admin-saved">
          {t(saved.key, { name: saved.name })}
        </p>
      )}
      {queues && (editing.kind === 'new' || editingQueue) && (
        <QueueForm
          key={editingQueue?.id ?? 'new'}
          queue={editingQueue ?? undefined}
          queues={queues}
          onCancel={() => setEditing({ kind: 'none' })}
          onSaved={(q) => {
            setEditing({ kind: 'none' });
            setSaved({ key: 'admin.queueSaved', name: q.name });
            void load();
          }}
        />
      )}
      {loadError !== null && (
        <div className="inline-error" role="alert">
          {t('admin.loadFailed', { message: errorText(loadError, t) })}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {queues === null && loadError === null && <p className="muted">{t('common.loading')}</p>}
      {queues && (
        <AdminTable
          testId="queues-table"
          columns={[t('admin.name'), t('admin.channel'), t('admin.requirement'), t('admin.priority'), t('admin.serviceLevel'), t('admin.strategy'), t('admin.escalation'), t('admin.wrapUp')]}
        >
          {queues.map((q) => (
            <tr key={q.id} data-testid="queue-row" data-queue-name={q.name}>
              <th scope="row">
                <bdi>{q.name}</bdi>
                {q.isDefault && <span className="chip">{t('admin.default')}</span>}
              </th>
              <td>
                <ChannelBadge channel={q.channel} />
              </td>
              <td data-testid="queue-requirement-text">
                {q.requirement === null ? <span className="muted">{t('admin.anyAgent')}</span> : <bdi dir="ltr">{exprText(q.requirement, t)}</bdi>}
              </td>
              <td className="num">{number(q.priority)}</td>
              <td>{t('sup.slTarget', { target: percent(q.serviceLevel.targetFraction), seconds: q.serviceLevel.thresholdSeconds })}</td>
              <td>{t(`strategy.${q.strategy}`)}</td>
              <td>
                {q.escalation.length === 0 ? (
                  <span className="muted">{t('sup.none')}</span>
                ) : (
                  <ol className="compact-list">
                    {q.escalation.map((s, i) => (
                      <li key={i}>
                        {t('admin.stepSummary', { seconds: s.afterSeconds })}
                        {s.lowerMinLevelBy !== undefined && ` · ${t('admin.stepLower', { n: s.lowerMinLevelBy })}`}
                        {s.alsoAccept !== undefined && ` · ${t('admin.stepAlso', { expr: exprText(s.alsoAccept, t) })}`}
                        {s.overflowToQueueId !== undefined && ` · ${t('admin.stepOverflow', { queue: nameOf(s.overflowToQueueId) })}`}
                      </li>
                    ))}
                  </ol>
                )}
              </td>
              <td className="num">{t('admin.secondsValue', { seconds: q.wrapUpSeconds })}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setEditing({ kind: 'edit', id: q.id });
                    setSaved(null);
                  }}
                  aria-label={t('admin.editNamed', { name: q.name })}
                  data-testid="queue-edit"
                >
                  {t('admin.edit')}
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}
