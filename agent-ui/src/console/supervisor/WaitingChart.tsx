import { useI18n } from '../i18n/context.js';
import { niceCeil, stepPath, WINDOW_MS, type Run } from './history.js';

interface Props {
  runs: readonly Run[];
  /** The present on the hub's clock; the chart shows the hour before it. */
  now: number;
  live: boolean;
}

// Drawing box (SVG user units); the element scales to the tile's width.
const W = 300;
const H = 84;
const LEFT = 22;
const RIGHT = 6;
const TOP = 6;
const BOTTOM = 16;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;

/**
 * Waiting count over the last hour as a step line. Time runs left to right in
 * both languages (like a clock face, it is not text); labels use the
 * language's digits.
 */
export function WaitingChart({ runs, now, live }: Props) {
  const { t, number } = useI18n();
  const start = now - WINDOW_MS;
  let peak = 0;
  for (const run of runs) if (run.to >= start) peak = Math.max(peak, run.waiting);
  const top = niceCeil(peak);
  const d = stepPath(runs, { start, end: now, width: PLOT_W, height: PLOT_H, top }, live ? now : null);
  const current = runs[runs.length - 1]?.waiting ?? 0;
  const label = t('sup.chartLabel', { peak, now: current });

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} direction="ltr" data-testid="waiting-chart">
        <g transform={`translate(${LEFT},${TOP})`}>
          <line className="chart-grid" x1={0} x2={PLOT_W} y1={0} y2={0} />
          <line className="chart-grid" x1={0} x2={PLOT_W} y1={PLOT_H / 2} y2={PLOT_H / 2} />
          <line className="chart-axis" x1={0} x2={PLOT_W} y1={PLOT_H} y2={PLOT_H} />
          {d && <path className="chart-line" d={d} />}
        </g>
        <text className="chart-label" x={LEFT - 4} y={TOP + 4} textAnchor="end">
          {number(top)}
        </text>
        <text className="chart-label" x={LEFT - 4} y={TOP + PLOT_H + 3} textAnchor="end">
          {number(0)}
        </text>
        <text className="chart-label" x={LEFT} y={H - 2} textAnchor="start">
          {t('sup.chartAgo', { minutes: 60 })}
        </text>
        <text className="chart-label" x={LEFT + PLOT_W / 2} y={H - 2} textAnchor="middle">
          {t('sup.chartAgo', { minutes: 30 })}
        </text>
        <text className="chart-label" x={W - RIGHT} y={H - 2} textAnchor="end">
          {t('sup.chartNow')}
        </text>
      </svg>
      <figcaption className="visually-hidden">{label}</figcaption>
    </figure>
  );
}
