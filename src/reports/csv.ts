import type { MetricRow, Report } from './metrics.js';

/** Excel reads a CSV as the local ANSI code page unless it starts with a byte-order mark; Persian names need UTF-8. */
export const UTF8_BOM = '\uFEFF';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break,
 * quotes doubled. Text that a spreadsheet would run as a formula (= + - @ at the
 * start) gets a leading apostrophe, so a queue named "=HYPERLINK(…)" stays text.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
const secs = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
const avg = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

export const CSV_HEADER = [
  'kind',
  'id',
  'name',
  'offered',
  'answered',
  'abandoned',
  'service_level_pct',
  'asa_seconds',
  'aht_seconds',
  'abandon_rate_pct',
  'occupancy_pct',
  'logged_in_seconds',
  'busy_seconds',
  'first_response_seconds',
  'resolution_seconds',
  'csat_average',
  'csat_count',
] as const;

function line(kind: string, r: MetricRow): string {
  return [
    kind,
    r.id,
    r.name,
    r.offered,
    r.answered,
    r.abandoned,
    pct(r.serviceLevel),
    secs(r.asaSeconds),
    secs(r.ahtSeconds),
    pct(r.abandonRate),
    pct(r.occupancy),
    secs(r.loggedInSeconds),
    secs(r.busySeconds),
    secs(r.firstResponseSeconds),
    secs(r.resolutionSeconds),
    avg(r.csatAverage),
    r.csatCount,
  ]
    .map(csvField)
    .join(',');
}

/** Header, one line per queue or agent, then the center total; CRLF line ends as Excel expects. */
export function reportCsv(report: Report): string {
  const lines = [CSV_HEADER.join(','), ...report.rows.map((r) => line(report.groupBy, r)), line('total', report.total)];
  return UTF8_BOM + lines.join('\r\n') + '\r\n';
}
