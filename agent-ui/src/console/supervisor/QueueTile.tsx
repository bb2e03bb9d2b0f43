import type { QueueStatsDto } from '../../../../src/contracts/index.js';
import { ChannelBadge } from '../conversations/ChannelBadge.js';
import { useI18n } from '../i18n/context.js';
import type { Run } from './history.js';
import { WaitingChart } from './WaitingChart.js';

interface Props {
  queue: QueueStatsDto;
  /** Seconds since the push that carried these figures, for the ticking longest wait. */
  elapsedSeconds: number;
  runs: readonly Run[];
  hubNow: number;
  live: boolean;
}

export function QueueTile({ queue, elapsedSeconds, runs, hubNow, live }: Props) {
  const { t, number, percent, duration } = useI18n();
  const { today } = queue;
  const inLine = queue.waiting + queue.offered;
  const longest = inLine > 0 ? queue.longestWaitSeconds + elapsedSeconds : 0;
  const sl = today.serviceLevel;
  const slState = sl === null ? 'none' : sl >= today.serviceLevelTarget ? 'ok' : 'below';

  return (
    <article
      className={`tile${queue.waiting > 0 ? ' tile-busy' : ''}`}
      data-testid="queue-tile"
      data-queue-id={queue.queueId}
      data-queue-name={queue.name}
      aria-labelledby={`tile-${queue.queueId}`}
    >
      <header className="tile-header">
        <h3 id={`tile-${queue.queueId}`} dir="auto">
          {queue.name}
        </h3>
        <ChannelBadge channel={queue.channel} />
      </header>

      <div className="tile-now">
        <div className="stat">
          <span className="stat-value" data-testid="tile-waiting" data-value={queue.waiting}>
            {number(queue.waiting)}
          </span>
          <span className="stat-label">{t('sup.waiting')}</span>
        </div>
        <div className="stat">
          <span className="stat-value" data-testid="tile-longest" data-seconds={Math.floor(longest)}>
            {duration(longest)}
          </span>
          <span className="stat-label">{t('sup.longest')}</span>
        </div>
        <div className="stat">
          <span className="stat-value stat-small" data-testid="tile-offered-now" data-value={queue.offered}>
            {number(queue.offered)}
          </span>
          <span className="stat-label">{t('sup.ringing')}</span>
        </div>
      </div>

      <dl className="tile-today">
        <div className={`sl sl-${slState}`} data-testid="tile-sl" data-state={slState}>
          <dt>{t('sup.sl')}</dt>
          <dd>
            <strong>{sl === null ? t('sup.none') : percent(sl)}</strong>
            {slState === 'below' && <span className="sl-flag">{t('sup.belowTarget')}</span>}
            <small>
              {t('sup.slTarget', { target: percent(today.serviceLevelTarget), seconds: today.thresholdSeconds })}
            </small>
          </dd>
        </div>
        <div>
          <dt>
            <abbr title={t('sup.asaLong')}>{t('sup.asa')}</abbr>
          </dt>
          <dd data-testid="tile-asa">{today.asaSeconds === null ? t('sup.none') : duration(today.asaSeconds)}</dd>
        </div>
        <div>
          <dt>{t('sup.abandon')}</dt>
          <dd data-testid="tile-abandon">
            {today.abandonRate === null ? t('sup.none') : percent(today.abandonRate)}
            {today.abandoned > 0 && <small> ({number(today.abandoned)})</small>}
          </dd>
        </div>
        <div>
          <dt>{t('sup.answeredOffered')}</dt>
          <dd data-testid="tile-answered" data-answered={today.answered} data-offered={today.offered}>
            {t('sup.ofTotal', { part: today.answered, total: today.offered })}
          </dd>
        </div>
      </dl>

      <WaitingChart runs={runs} now={hubNow} live={live} />
    </article>
  );
}
