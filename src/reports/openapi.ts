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
  'offered, answered, abandoned (queues), serviceLevel (answered within the queue threshold ÷ answered), asaSeconds, ahtSeconds (assigned → completed + queue wrap-up), abandonRate, occupancy (agents: time holding work ÷ time not offline), loggedInSeconds and busySeconds (agent rows and total; null on queue rows), firstResponseSeconds, resolutionSeconds, csatAverage, csatCount; rates are fractions, null when undefined. ' +
  'Agent rows credit each agent with their own assignment segments (took it → reassigned, put back in a queue, or closed): answered = segments begun in the range, ' +
  'serviceLevel/asaSeconds over the segments where they took it first from the queue, ahtSeconds = segment length (+ wrap-up when the segment ended with the close), ' +
  'firstResponseSeconds from the customer message still open when they took it (or the next one), counted from then; resolution and CSAT go to the agent who held it at the close. ' +
  'An agent whose last console has been gone for PRESENCE_GRACE_SECONDS is recorded offline as of the moment it went.';

const rowSchema = {
  type: 'object',
  required: ['id', 'name', 'offered', 'answered', 'abandoned', 'serviceLevel', 'asaSeconds', 'ahtSeconds', 'abandonRate', 'occupancy', 'loggedInSeconds', 'busySeconds', 'firstResponseSeconds', 'resolutionSeconds', 'csatAverage', 'csatCount'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    offered: { type: 'integer' },
    answered: { type: 'integer' },
    abandoned: { type: ['integer', 'null'] },
    serviceLevel: { type: ['number', 'null'] },
    asaSeconds: { type: ['number', 'null'] },
    ahtSeconds: { type: ['number', 'null'] },
    abandonRate: { type: ['number', 'null'] },
    occupancy: { type: ['number', 'null'] },
    loggedInSeconds: { type: ['number', 'null'] },
    busySeconds: { type: ['number', 'null'] },
    firstResponseSeconds: { type: ['number', 'null'] },
    resolutionSeconds: { type: ['number', 'null'] },
    csatAverage: { type: ['number', 'null'] },
    csatCount: { type: 'integer' },
  },
};

const reportSchema = {
  type: 'object',
  required: ['from', 'to', 'tz', 'groupBy', 'rows', 'total'],
  properties: {
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    tz: { type: 'string' },
    groupBy: { type: 'string', enum: ['queue', 'agent'] },
    rows: { type: 'array', items: rowSchema },
    total: rowSchema,
  },
};

export function reportsOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/reports': {
      get: {
        summary: `Contact-center report over a date range (supervisor, admin): {from, to, tz, groupBy, rows, total}. Per row: ${figures}`,
        parameters,
        responses: { 200: { description: '{from, to, tz, groupBy, rows, total}', content: { 'application/json': { schema: reportSchema } } }, 400: error, 403: error },
      },
    },
    '/api/reports.csv': {
      get: {
        summary: 'The same report as CSV (attachment; UTF-8 with a byte-order mark for Excel; header row, one row per queue or agent, then the total; CRLF). Columns: kind, id, name, offered, answered, abandoned, service_level_pct, asa_seconds, aht_seconds, abandon_rate_pct, occupancy_pct, logged_in_seconds, busy_seconds, first_response_seconds, resolution_seconds, csat_average, csat_count',
        parameters,
        responses: { 200: { description: 'text/csv' }, 400: error, 403: error },
      },
    },
  };
}
