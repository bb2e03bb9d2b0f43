import { Fragment, useState } from 'react';
import type { AgentStatsDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';
import { MonitorCell } from '../voice/MonitorCell.js';
import { ReassignForm } from './ReassignForm.js';

interface Props {
  agents: readonly AgentStatsDto[];
  elapsedSeconds: number;
  /** The present on the hub's clock, for wrap-up countdowns. */
  hubNow: number;
}

export function AgentsTable({ agents, elapsedSeconds, hubNow }: Props) {
  const { t, duration } = useI18n();
  // One row at a time shows the reassign form; the outcome stays above the table.
  const [reassigning, setReassigning] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (agents.length === 0) return <p className="empty">{t('sup.noAgents')}</p>;
  return (
    <div className="table-scroll">
      {notice && (
        <p className="reassign-notice" role="status" data-testid="reassign-notice">
          {notice}
        </p>
      )}
      <table className="data-table agents-table" data-testid="agents-table">
        <thead>
          <tr>
            <th scope="col">{t('sup.agent')}</th>
            <th scope="col">{t('sup.status')}</th>
            <th scope="col">{t('sup.connected')}</th>
            <th scope="col">{t('sup.inState')}</th>
            <th scope="col">{t('sup.load')}</th>
            <th scope="col">{t('sup.wrapUp')}</th>
            <th scope="col">{t('reassign.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => {
            const wrapLeft = a.wrapUpUntil ? Math.max(0, (Date.parse(a.wrapUpUntil) - hubNow) / 1000) : 0;
            const inWrapUp = wrapLeft > 0;
            const idle = !a.connected || a.status === 'offline';
            return (
              <Fragment key={a.id}>
                <tr className={idle ? 'row-idle' : undefined} data-testid="agent-row" data-agent-id={a.id} data-status={a.status}>
                  <th scope="row">
                    <bdi>{a.name}</bdi>
                  </th>
                  <td>
                    <span className={`presence-dot presence-${a.status}`} aria-hidden="true" /> {t(`presence.${a.status}`)}
                    {inWrapUp && <span className="chip chip-warn">{t('sup.inWrapUp')}</span>}
                  </td>
                  <td>
                    <span className={a.connected ? 'yes' : 'no'}>{t(a.connected ? 'common.yes' : 'common.no')}</span>
                  </td>
                  <td className="num" data-testid="agent-in-state">
                    {duration(a.secondsInState + elapsedSeconds)}
                  </td>
                  <td className="num">
                    <meter min={0} max={a.capacity} value={a.used} aria-hidden="true" />{' '}
                    <span>{t('sup.loadValue', { used: a.used, capacity: a.capacity })}</span>
                  </td>
                  <td className="num" data-testid="agent-wrap-up">
                    {inWrapUp ? duration(Math.ceil(wrapLeft)) : t('sup.none')}
                  </td>
                  <td className="row-actions">
                    {a.conversations > 0 && (
                      <button type="button" className="link" aria-expanded={reassigning === a.id} onClick={() => setReassigning(reassigning === a.id ? null : a.id)} data-testid="reassign-open">
                        {t('reassign.open')}
                      </button>
                    )}
                    <MonitorCell agentId={a.id} agentName={a.name} />
                  </td>
                </tr>
                {reassigning === a.id && (
                  <tr className="reassign-row">
                    <td colSpan={7}>
                      <ReassignForm
                        from={a}
                        agents={agents}
                        onCancel={() => setReassigning(null)}
                        onDone={(message) => {
                          setReassigning(null);
                          setNotice(message);
                        }}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">{t('sup.loadHelp')}</p>
    </div>
  );
}
