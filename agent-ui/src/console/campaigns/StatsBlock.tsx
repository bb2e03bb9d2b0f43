import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/context.js';
import { getStats, type CampaignStats } from './campaignsApi.js';

/** A figure given as a number, or as an object carrying it under `key` ({rate, …}). */
function figure(v: unknown, key: string): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[key] === 'number') return (v as Record<string, number>)[key]!;
  return null;
}

const STATS_REFRESH_MS = 5_000;

/** The runtime's figures for a campaign, refreshed every few seconds; hidden until that endpoint answers. */
export function StatsBlock({ campaignId, refreshKey }: { campaignId: string; refreshKey: number }) {
  const { t, number, percent } = useI18n();
  const [stats, setStats] = useState<CampaignStats | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => void getStats(campaignId).then((s) => live && setStats(s));
    load();
    // Abandonment moves with every answered call: keep the figures live while the screen is open.
    const timer = window.setInterval(load, STATS_REFRESH_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [campaignId, refreshKey]);
  if (!stats) return null;
  const rate = (v: unknown) => {
    const r = figure(v, 'rate');
    return r === null ? null : percent(r);
  };
  const count = (v: unknown) => {
    const n = figure(v, 'count');
    return n === null ? null : number(n);
  };
  const rows: [string, string | null][] = [
    [t('dialer.stats.abandon30d'), rate(stats.abandon30d)],
    [t('dialer.stats.abandon24h'), rate(stats.abandon24h)],
    [t('dialer.stats.attempts'), count(stats.attempts)],
    [t('dialer.stats.connected'), count(stats.connected)],
  ];
  return (
    <section className="card campaign-stats" aria-label={t('dialer.stats.title')} data-testid="campaign-stats">
      <h3>{t('dialer.stats.title')}</h3>
      <dl>
        {rows
          .filter((r): r is [string, string] => r[1] !== null)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {typeof stats.pausedReason === 'string' && stats.pausedReason !== '' && (
        <p className="inline-error" role="status" dir="auto" data-testid="campaign-paused-reason">
          {t('dialer.stats.pausedReason', { reason: stats.pausedReason })}
        </p>
      )}
    </section>
  );
}
