import { useI18n } from '../i18n/context.js';
import { useNow } from '../util/useNow.js';
import { ConnectionBanner } from '../workspace/ConnectionBanner.js';
import { AgentsTable } from './AgentsTable.js';
import { QueueTile } from './QueueTile.js';
import { useSupervisorFeed } from './useSupervisorFeed.js';

interface Props {
  onSessionLost: () => void;
}

/** Live queue tiles and the agents table, fed by the /supervisor socket. */
export function SupervisorDashboard({ onSessionLost }: Props) {
  const { t, number, dateTime } = useI18n();
  const feed = useSupervisorFeed(onSessionLost);
  const now = useNow(1000);
  const { stats } = feed;
  const live = feed.connection === 'connected';
  // Figures tick from the moment their push arrived; hub time = push time + that.
  const elapsedMs = stats ? Math.max(0, now - feed.receivedAt) : 0;
  const elapsedSeconds = elapsedMs / 1000;
  const hubNow = stats ? Date.parse(stats.at) + elapsedMs : now;

  const counts = { available: 0, away: 0, break: 0, offline: 0 };
  for (const a of stats?.agents ?? []) counts[a.connected ? a.status : 'offline'] += 1;

  return (
    <main className={`page supervisor${live ? '' : ' stale'}`} data-testid="supervisor-dashboard" aria-labelledby="supervisor-title">
      {feed.connection === 'disconnected' && !feed.refused && <ConnectionBanner feed="supervisor" onRetry={feed.reconnect} />}
      <div className="page-header">
        <h1 id="supervisor-title">{t('sup.title')}</h1>
        {stats && (
          <p className="muted" data-testid="supervisor-updated" data-at={stats.at}>
            {t('sup.updated', { time: dateTime(stats.at) })}
          </p>
        )}
      </div>
      {feed.refused && (
        <p className="inline-error" role="alert">
          {t('sup.refused')}
        </p>
      )}
      {!stats && !feed.refused && <p className="muted">{t('common.loading')}</p>}
      {stats && (
        <>
          <section aria-labelledby="queues-title">
            <h2 id="queues-title" className="section-title">
              {t('sup.queues')}
            </h2>
            {stats.queues.length === 0 ? (
              <p className="empty">{t('sup.noQueues')}</p>
            ) : (
              <div className="tiles">
                {stats.queues.map((q) => (
                  <QueueTile
                    key={q.queueId}
                    queue={q}
                    elapsedSeconds={live ? elapsedSeconds : 0}
                    runs={feed.history[q.queueId] ?? []}
                    hubNow={hubNow}
                    live={live}
                  />
                ))}
              </div>
            )}
          </section>
          <section aria-labelledby="agents-title">
            <h2 id="agents-title" className="section-title">
              {t('sup.agents')}{' '}
              <span className="muted small" data-testid="agent-counts">
                {t('sup.counts', {
                  available: number(counts.available),
                  away: number(counts.away),
                  onBreak: number(counts.break),
                  offline: number(counts.offline),
                })}
              </span>
            </h2>
            <AgentsTable agents={stats.agents} elapsedSeconds={live ? elapsedSeconds : 0} hubNow={hubNow} />
          </section>
        </>
      )}
    </main>
  );
}
