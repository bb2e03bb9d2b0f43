import { MAX_RANGE_DAYS } from './range.js';

const error = { description: 'Error: `{error: {code, message, details?}}`' };
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }, required = false) => ({ name, in: 'query', required, description, schema });

const parameters = [
  query('from', 'First day, ISO date (2026-11-01)', { type: 'string', format: 'date' }, true),
  query('to', `First day NOT included, ISO date; after from, at most ${MAX_RANGE_DAYS} days later`, { type: 'string', format: 'date' }, true),
  query('groupBy', 'One row per queue (default) or per agent', { type: 'string', enum: ['queue', 'agent'] }),
  query('tz', 'IANA time zone the days begin in (default UTC), e.g. Asia/Tehran', { type: 'string' }),
];

const figures =
  'offered, answered, abandoned (queues), serviceLevel (answered within the queue threshold ÷ answered), asaSeconds, ahtSeconds (assigned → completed + queue wrap-up), abandonRate, occupancy (agents: time holding work ÷ time not offline), firstResponseSeconds, resolutionSeconds, csatAverage, csatCount; rates are fractions, null when undefined';

export function reportsOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/reports': {
      get: {
        summary: `Contact-center report over a date range (supervisor, admin): {from, to, tz, groupBy, rows, total}. Per row: ${figures}`,
        parameters,
        responses: { 200: { description: '{from, to, tz, groupBy, rows, total}' }, 400: error, 403: error },
      },
    },
    '/api/reports.csv': {
      get: {
        summary: 'The same report as CSV (attachment; UTF-8 with a byte-order mark for Excel; header row, one row per queue or agent, then the total; CRLF)',
        parameters,
        responses: { 200: { description: 'text/csv' }, 400: error, 403: error },
      },
    },
  };
}
