import { useCallback, useEffect, useState } from 'react';
import { listQueues, type QueueRow } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { CampaignForm } from './CampaignForm.js';
import { listCampaigns, setRunning, type Campaign } from './campaignsApi.js';
import { DncPanel } from './DncPanel.js';
import { ImportPanel } from './ImportPanel.js';
import { StatsBlock } from './StatsBlock.js';
import './campaigns.css';

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'campaign'; id: string; editing: boolean };

/** Outbound campaigns for supervisors and admins: the list, a campaign's settings, its contact lists, and the do-not-call list. */
export function CampaignsPage() {
  const { t, number } = useI18n();
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [queues, setQueues] = useState<QueueRow[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [view, setView] = useState<View>({ kind: 'list' });
  const [saved, setSaved] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [refreshKey, setRefreshKey] = useState(0);

  const load = useCallback(async () => {
    try {
      const [c, q] = await Promise.all([listCampaigns(), listQueues()]);
      setCampaigns(c);
      setQueues(q.filter((x) => x.channel === 'voice'));
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const current = view.kind === 'campaign' ? (campaigns?.find((c) => c.id === view.id) ?? null) : null;

  async function toggle(c: Campaign) {
    setActionError(null);
    try {
      await setRunning(c.id, c.status !== 'running');
      await load();
    } catch (err) {
      setActionError(err);
    }
  }

  const onSaved = (c: Campaign) => {
    setSaved(c.name);
    setView({ kind: 'campaign', id: c.id, editing: false });
    void load();
  };

  return (
    <section className="page campaigns-page" aria-labelledby="campaigns-title" data-testid="campaigns-page">
      <div className="page-header">
        <h2 id="campaigns-title">{t('dialer.title')}</h2>
        {view.kind === 'list' ? (
          <button type="button" className="primary" onClick={() => (setSaved(null), setView({ kind: 'new' }))} data-testid="campaign-new">
            {t('dialer.new')}
          </button>
        ) : (
          <button type="button" onClick={() => (setActionError(null), setView({ kind: 'list' }))} data-testid="campaign-back">
            {t('dialer.back')}
          </button>
        )}
      </div>
      {loadError !== null && (
        <div className="inline-error" role="alert">
          {t('dialer.loadFailed', { message: errorText(loadError, t) })}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {saved && view.kind !== 'new' && (
        <p className="form-ok" role="status" data-testid="campaign-saved">
          {t('dialer.saved', { name: saved })}
        </p>
      )}
      {actionError !== null && (
        <p className="inline-error" role="alert" dir="auto" data-testid="campaign-action-error">
          {t('dialer.actionFailed', { message: errorText(actionError, t) })}
        </p>
      )}

      {view.kind === 'new' && <CampaignForm queues={queues} onCancel={() => setView({ kind: 'list' })} onSaved={onSaved} />}

      {view.kind === 'list' && campaigns && (
        <>
          {campaigns.length === 0 ? (
            <p className="muted">{t('dialer.empty')}</p>
          ) : (
            <table className="data-table campaigns-table" data-testid="campaigns-table">
              <thead>
                <tr>
                  <th scope="col">{t('dialer.col.name')}</th>
                  <th scope="col">{t('dialer.col.status')}</th>
                  <th scope="col">{t('dialer.col.rules')}</th>
                  <th scope="col">{t('dialer.col.mode')}</th>
                  <th scope="col">{t('dialer.col.pending')}</th>
                  <th scope="col">{t('dialer.col.done')}</th>
                  <th scope="col">{t('dialer.col.dnc')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {campaigns.map((c) => (
                  <tr key={c.id} data-testid="campaign-row">
                    <td dir="auto">
                      <button type="button" className="link" onClick={() => (setSaved(null), setView({ kind: 'campaign', id: c.id, editing: false }))}>
                        {c.name}
                      </button>
                    </td>
                    <td>
                      <span className={`campaign-status status-${c.status}`}>{t(`dialer.status.${c.status}`)}</span>
                    </td>
                    <td>{t(`dialer.rules.${c.ruleSet}`)}</td>
                    <td>{t(`dialer.mode.${c.mode}`)}</td>
                    <td>{number(c.counts.pending)}</td>
                    <td>{number(c.counts.done)}</td>
                    <td>{number(c.counts.dnc)}</td>
                    <td>
                      {c.status !== 'completed' && (
                        <button type="button" onClick={() => void toggle(c)} data-testid="campaign-toggle">
                          {c.status === 'running' ? t('dialer.pause') : t('dialer.start')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <DncPanel />
        </>
      )}

      {view.kind === 'campaign' && current && (
        <div className="campaign-detail" data-testid="campaign-detail">
          <div className="campaign-summary card">
            <h3 dir="auto">{current.name}</h3>
            <p>
              <span className={`campaign-status status-${current.status}`}>{t(`dialer.status.${current.status}`)}</span> · {t(`dialer.rules.${current.ruleSet}`)} · {t(`dialer.mode.${current.mode}`)}
            </p>
            <dl className="campaign-counts">
              {(['pending', 'done', 'dnc'] as const).map((k) => (
                <div key={k}>
                  <dt>{t(`dialer.col.${k}`)}</dt>
                  <dd>{number(current.counts[k])}</dd>
                </div>
              ))}
              <div>
                <dt>{t('dialer.col.total')}</dt>
                <dd>{number(current.counts.total)}</dd>
              </div>
            </dl>
            <div className="form-actions">
              {current.status !== 'completed' && (
                <button type="button" className="primary" onClick={() => void toggle(current)} data-testid="campaign-detail-toggle">
                  {current.status === 'running' ? t('dialer.pause') : t('dialer.start')}
                </button>
              )}
              {(current.status === 'draft' || current.status === 'paused') && !view.editing && (
                <button type="button" onClick={() => (setSaved(null), setView({ ...view, editing: true }))} data-testid="campaign-edit">
                  {t('dialer.edit')}
                </button>
              )}
              {current.status === 'running' && <span className="help">{t('dialer.editOnlyPaused')}</span>}
            </div>
          </div>
          <StatsBlock campaignId={current.id} refreshKey={refreshKey} />
          {view.editing && <CampaignForm key={current.id} campaign={current} queues={queues} onCancel={() => setView({ ...view, editing: false })} onSaved={onSaved} />}
          <ImportPanel
            campaignId={current.id}
            onFinished={() => {
              setRefreshKey((k) => k + 1);
              void load();
            }}
          />
        </div>
      )}
    </section>
  );
}
