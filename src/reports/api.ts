import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ReportDto } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { parse, requireRole } from '../api/validate.js';
import { reportCsv } from './csv.js';
import { loadReport } from './queries.js';
import { daysBetween, isIsoDate, isTimeZone, MAX_RANGE_DAYS, zonedDayStart } from './range.js';

const isoDate = z.string().refine(isIsoDate, 'must be a date like 2026-11-01');

/** `to` is the first day not included, so one day is from=2026-11-01&to=2026-11-02. */
export const reportQuery = z
  .object({
    from: isoDate,
    to: isoDate,
    groupBy: z.enum(['queue', 'agent'], 'must be queue or agent').default('queue'),
    tz: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Tehran').default('UTC'),
  })
  .superRefine((q, ctx) => {
    if (!isIsoDate(q.from) || !isIsoDate(q.to)) return;
    const days = daysBetween(q.from, q.to);
    if (days <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (days > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
  });

export type ReportQuery = z.infer<typeof reportQuery>;

export async function reportFor(db: Db, q: ReportQuery, now: Date): Promise<ReportDto> {
  const report = await loadReport(db, { from: zonedDayStart(q.from, q.tz), to: zonedDayStart(q.to, q.tz), groupBy: q.groupBy }, now);
  return { from: q.from, to: q.to, tz: q.tz, groupBy: q.groupBy, rows: report.rows, total: report.total };
}

/** GET /api/reports and /api/reports.csv: supervisors and admins only. */
export function reportsRoutes(deps: { db: Db; now?: () => Date }): Router {
  const r = Router();
  const now = deps.now ?? (() => new Date());

  r.get('/api/reports', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const q = parse(reportQuery, req.query, 'query');
    res.json(await reportFor(deps.db, q, now()));
  });

  r.get('/api/reports.csv', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const q = parse(reportQuery, req.query, 'query');
    const report = await reportFor(deps.db, q, now());
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="pasokh-report-${q.groupBy}-${q.from}-${q.to}.csv"`);
    res.send(reportCsv(report));
  });

  return r;
}
