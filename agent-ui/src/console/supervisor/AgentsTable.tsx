import type { AgentStatsDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';

interface Props {
  agents: readonly AgentStatsDto[];
  elapsedSeconds: number;
  /** The present on the hub's clock, for wrap-up countdowns. */
  hubNow: number;
}

export function AgentsTable({ agents, elapsedSeconds, hubNow }: Props) {
  const { t, duration } = useI18n();
  if (agents.length === 0) return <p className="empty">{t('sup.noAgents')}</p>;
  return (
    <div className="table-scroll">
      <table className="data-table agents-table" data-testid="agents-table">
        <thead>
          <tr>
            <th scope="col">{t('sup.agent')}</th>
            <th scope="col">{t('sup.status')}</th>
            <th scope="col">{t('sup.connected')}</th>
            <th scope="col">{t('sup.inState')}</th>
            <th scope="col">{t('sup.load')}</th>
            <th scope="col">{t('sup.wrapUp')}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => {
            const wrapLeft = a.wrapUpUntil ? Math.max(0, (Date.parse(a.wrapUpUntil) - hubNow) / 1000) : 0;
            const inWrapUp = wrapLeft > 0;
            const idle = !a.connected || a.status === 'offline';
            return (
              <tr key={a.id} className={idle ? 'row-idle' : undefined} data-testid="agent-row" data-agent-id={a.id} data-status={a.status}>
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
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">{t('sup.loadHelp')}</p>
    </div>
  );
}
