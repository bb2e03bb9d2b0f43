import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ReportDto, ReportRowDto } from '../../../../src/contracts/index.js';
import { errorText } from '../api/errorText.js';
import { api } from '../api/http.js';
import { useI18n } from '../i18n/context.js';
import type { StringKey } from '../i18n/strings.js';
import { addDays, browserTimeZone, dateForDisplay, isoDateOf, lastDays, MAX_RANGE_DAYS, rangeProblem, reportQuery, type GroupBy } from './range.js';
import './reports.css';

interface Props {
  /** Today's date (tests pin it); the browser's date by default. */
  today?: string;
  /** The zone day boundaries are taken in; the browser's by default. */
  timeZone?: string;
}

type Load = { state: 'idle' } | { state: 'loading' } | { state: 'loaded'; report: ReportDto; query: string } | { state: 'error'; message: string };

type Column = {
  key: StringKey;
  value: (r: ReportRowDto) => string;
  only?: GroupBy;
};

/** Supervisor reports: a date range in the user's calendar, per queue or per agent, with totals and a CSV export. */
export function ReportsPage({ today = isoDateOf(new Date()), timeZone = browserTimeZone() }: Props) {
  const { t, number, percent, duration, date } = useI18n();
  const initial = lastDays(today, 7);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [groupBy, setGroupBy] = useState<GroupBy>('queue');
  const [load, setLoad] = useState<Load>({ state: 'idle' });
  const latest = useRef(0);

  const problem = rangeProblem(from, to);

  const run = useCallback(
    async (f: string, tInclusive: string, g: GroupBy) => {
      if (rangeProblem(f, tInclusive)) return;
      const query = reportQuery(f, tInclusive, g, timeZone);
      const call = ++latest.current;
      setLoad({ state: 'loading' });
      try {
        const report = await api<ReportDto>('GET', `/api/reports?${query}`);
        if (call === latest.current) setLoad({ state: 'loaded', report, query });
      } catch (err) {
        if (call === latest.current) setLoad({ state: 'error', message: errorText(err, t) });
      }
    },
    [timeZone, t],
  );

  // The first view: the last seven days by queue.
  useEffect(() => {
    void run(initial.from, initial.to, 'queue');
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(from, to, groupBy);
  };

  const preset = (days: number) => {
    const r = lastDays(today, days);
    setFrom(r.from);
    setTo(r.to);
    void run(r.from, r.to, groupBy);
  };

  const none = t('reports.none');
  const pct = (v: number | null) => (v === null ? none : percent(v));
  const secs = (v: number | null) => (v === null ? none : duration(Math.round(v)));
  const columns: Column[] = [
    { key: 'reports.col.offered', value: (r) => number(r.offered) },
    { key: 'reports.col.answered', value: (r) => number(r.answered) },
    { key: 'reports.col.abandoned', value: (r) => (r.abandoned === null ? none : number(r.abandoned)), only: 'queue' },
    { key: 'reports.col.sl', value: (r) => pct(r.serviceLevel) },
    { key: 'reports.col.asa', value: (r) => secs(r.asaSeconds) },
    { key: 'reports.col.aht', value: (r) => secs(r.ahtSeconds) },
    { key: 'reports.col.abandonRate', value: (r) => pct(r.abandonRate), only: 'queue' },
    { key: 'reports.col.occupancy', value: (r) => pct(r.occupancy), only: 'agent' },
    { key: 'reports.col.loggedIn', value: (r) => secs(r.loggedInSeconds), only: 'agent' },
    { key: 'reports.col.frt', value: (r) => secs(r.firstResponseSeconds) },
    { key: 'reports.col.resolution', value: (r) => secs(r.resolutionSeconds) },
    {
      key: 'reports.col.csat',
      value: (r) => (r.csatAverage === null ? none : t('reports.csatValue', { avg: number(Math.round(r.csatAverage * 10) / 10), count: r.csatCount })),
    },
  ];

  const shown = load.state === 'loaded' ? load.report : null;
  const visible = columns.filter((c) => !c.only || c.only === shown?.groupBy);
  const empty = shown !== null && shown.total.offered === 0 && shown.total.answered === 0 && shown.total.csatCount === 0;

  return (
    <main className="page reports-page" data-testid="reports-page" aria-labelledby="reports-title">
      <div className="page-header">
        <h1 id="reports-title">{t('reports.title')}</h1>
      </div>
      <form className="reports-filters" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="reports-from" className="field-label">
            {t('reports.from')}
          </label>
          <input id="reports-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-describedby="reports-from-shown" data-testid="reports-from" />
          <span id="reports-from-shown" className="help" data-testid="reports-from-shown">
            {from && !problem ? date(dateForDisplay(from)) : ''}
          </span>
        </div>
        <div className="field">
          <label htmlFor="reports-to" className="field-label">
            {t('reports.to')}
          </label>
          <input id="reports-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-describedby="reports-to-shown" aria-invalid={problem !== null} data-testid="reports-to" />
          <span id="reports-to-shown" className="help" data-testid="reports-to-shown">
            {to && !problem ? date(dateForDisplay(to)) : ''}
          </span>
        </div>
        <div className="field">
          <label htmlFor="reports-group" className="field-label">
            {t('reports.groupBy')}
          </label>
          <select id="reports-group" value={groupBy} onChange={(e) => setGroupBy(e.target.value === 'agent' ? 'agent' : 'queue')} data-testid="reports-group">
            <option value="queue">{t('reports.byQueue')}</option>
            <option value="agent">{t('reports.byAgent')}</option>
          </select>
        </div>
        <button type="submit" className="primary" disabled={problem !== null || load.state === 'loading'} data-testid="reports-show">
          {t('reports.show')}
        </button>
        <div className="reports-presets" role="group" aria-label={t('reports.presets')}>
          <button type="button" className="link" onClick={() => preset(1)}>
            {t('reports.presetToday')}
          </button>
          <button type="button" className="link" onClick={() => preset(7)}>
            {t('reports.preset7')}
          </button>
          <button type="button" className="link" onClick={() => preset(30)}>
            {t('reports.preset30')}
          </button>
        </div>
      </form>
      {problem && (
        <p className="inline-error" role="alert" data-testid="reports-range-error">
          {problem === 'tooLong' ? t('reports.tooLong', { days: MAX_RANGE_DAYS }) : t('reports.badRange')}
        </p>
      )}

      {load.state === 'loading' && (
        <p className="muted" role="status">
          {t('reports.loading')}
        </p>
      )}
      {load.state === 'error' && (
        <div className="inline-error" role="alert" data-testid="reports-error">
          <p>{t('reports.failed', { message: load.message })}</p>
          <button type="button" onClick={() => void run(from, to, groupBy)}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {shown && load.state === 'loaded' && (
        <section aria-labelledby="reports-range">
          <div className="reports-result-header">
            <p id="reports-range" className="muted" data-testid="reports-range">
              {t('reports.range', { from: date(dateForDisplay(shown.from)), to: date(dateForDisplay(addDays(shown.to, -1))), tz: shown.tz })}
            </p>
            <a className="button" href={`/api/reports.csv?${load.query}`} download data-testid="reports-csv">
              {t('reports.download')}
            </a>
          </div>
          {empty ? (
            <div className="empty" data-testid="reports-empty">
              <p>{t('reports.empty')}</p>
              <p className="muted small">{t('reports.emptyHint')}</p>
            </div>
          ) : (
            <div className="table-scroll">
              <table className="data-table reports-table" data-testid="reports-table">
                <caption className="visually-hidden">{t('reports.tableCaption', { group: t(shown.groupBy === 'queue' ? 'reports.byQueue' : 'reports.byAgent') })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reports.col.name')}</th>
                    {visible.map((c) => (
                      <th key={c.key} scope="col" className="num">
                        {t(c.key)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.rows.map((r) => (
                    <tr key={r.id} data-testid="reports-row" data-id={r.id}>
                      <th scope="row">
                        <bdi dir="auto">{r.name}</bdi>
                      </th>
                      {visible.map((c) => (
                        <td key={c.key} className="num">
                          {c.value(r)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr data-testid="reports-total">
                    <th scope="row">{t('reports.total')}</th>
                    {visible.map((c) => (
                      <td key={c.key} className="num">
                        {c.value(shown.total)}
                      </td>
                    ))}
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
          <div className="reports-help muted small" data-testid="reports-help">
            <p>{t('reports.help')}</p>
            <p>{t('reports.helpAgents')}</p>
            <p>{t('reports.helpPresence')}</p>
          </div>
        </section>
      )}
    </main>
  );
}

