import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, reportCsv, UTF8_BOM } from '../../src/reports/csv.js';
import {
  buildReport,
  conversationFigures,
  loggedInIntervals,
  mergeIntervals,
  occupancy,
  overlapLength,
  segmentFigures,
  segmentWork,
  taskFigures,
  totalLength,
  type ConversationRecord,
  type MetricRow,
  type SegmentRecord,
  type TaskRecord,
} from '../../src/reports/metrics.js';
import { daysBetween, isIsoDate, isTimeZone, zonedDayStart } from '../../src/reports/range.js';

const T0 = Date.parse('2026-11-01T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

function task(p: Partial<TaskRecord> & { enq: number; asg?: number; done?: number; aband?: number }): TaskRecord {
  return {
    queueId: p.queueId ?? 'q1',
    agentId: p.agentId ?? null,
    enqueuedAt: at(p.enq),
    assignedAt: p.asg === undefined ? null : at(p.asg),
    completedAt: p.done === undefined ? null : at(p.done),
    abandonedAt: p.aband === undefined ? null : at(p.aband),
    thresholdSeconds: p.thresholdSeconds ?? 20,
    wrapUpSeconds: p.wrapUpSeconds ?? 0,
  };
}

describe('task figures', () => {
  // Four answered (waits 10, 20, 30, 50 s), one abandoned, one still waiting.
  const tasks = [
    task({ enq: 0, asg: 10, done: 110 }),
    task({ enq: 0, asg: 20, done: 320 }),
    task({ enq: 0, asg: 30, done: 90 }),
    task({ enq: 0, asg: 50 }),
    task({ enq: 0, aband: 40 }),
    task({ enq: 100 }),
  ];

  it('counts answered and abandoned, and a wait exactly at the threshold is within it', () => {
    const f = taskFigures(tasks);
    expect(f.answered).toBe(4);
    expect(f.abandoned).toBe(1);
    // 10 s and 20 s are within 20 s: 2 of 4.
    expect(f.serviceLevel).toBe(0.5);
  });

  it('ASA averages the waits of answered tasks; AHT the completed handle times', () => {
    const f = taskFigures(tasks);
    expect(f.asaSeconds).toBe((10 + 20 + 30 + 50) / 4);
    expect(f.ahtSeconds).toBe((100 + 300 + 60) / 3);
    expect(f.abandonRate).toBe(1 / 5);
  });

  it("adds the queue's wrap-up time to the handle time", () => {
    expect(taskFigures([task({ enq: 0, asg: 5, done: 65, wrapUpSeconds: 30 })]).ahtSeconds).toBe(90);
  });

  it('uses each queue’s own threshold', () => {
    const f = taskFigures([task({ enq: 0, asg: 45, thresholdSeconds: 60 }), task({ enq: 0, asg: 45, thresholdSeconds: 20 })]);
    expect(f.serviceLevel).toBe(0.5);
  });

  it('has no rates (null, not 0) when nothing happened', () => {
    expect(taskFigures([])).toEqual({ answered: 0, abandoned: 0, serviceLevel: null, asaSeconds: null, ahtSeconds: null, abandonRate: null });
  });
});

describe('conversation figures', () => {
  const conv = (p: Partial<ConversationRecord>): ConversationRecord => ({
    queueId: 'q1',
    agentId: 'a1',
    createdAt: at(0),
    closedAt: null,
    firstCustomerAt: null,
    firstAgentReplyAt: null,
    csatScore: null,
    ...p,
  });

  it('first response, resolution and CSAT over the conversations that have them', () => {
    const f = conversationFigures([
      conv({ firstCustomerAt: at(0), firstAgentReplyAt: at(30), closedAt: at(600), csatScore: 5 }),
      conv({ firstCustomerAt: at(10), firstAgentReplyAt: at(100), closedAt: at(1200), csatScore: 2 }),
      conv({ firstCustomerAt: at(0) }), // never answered, still open, not rated
    ]);
    expect(f.firstResponseSeconds).toBe(60);
    expect(f.resolutionSeconds).toBe(900);
    expect(f.csatAverage).toBe(3.5);
    expect(f.csatCount).toBe(2);
  });
});

describe('intervals and occupancy', () => {
  it('merges overlapping and touching spans', () => {
    expect(mergeIntervals([{ start: 5, end: 8 }, { start: 0, end: 3 }, { start: 3, end: 4 }, { start: 7, end: 10 }])).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 10 },
    ]);
  });

  it('overlap is commutative and never more than either side (property)', () => {
    const spans = fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 })).map(([s, l]) => ({ start: s, end: s + l })), { maxLength: 12 });
    fc.assert(
      fc.property(spans, spans, (a, b) => {
        const o = overlapLength(a, b);
        expect(o).toBe(overlapLength(b, a));
        expect(o).toBeLessThanOrEqual(Math.min(totalLength(a), totalLength(b)));
        expect(overlapLength(a, a)).toBe(totalLength(a));
      }),
    );
  });

  it('logged in from the status in force at the start of the range, offline excluded', () => {
    const from = at(0);
    const to = at(3600);
    const spans = loggedInIntervals(
      [
        { agentId: 'a', status: 'available', at: at(-100) }, // already in when the range began
        { agentId: 'a', status: 'offline', at: at(600) },
        { agentId: 'a', status: 'break', at: at(1200) },
        { agentId: 'a', status: 'available', at: at(1500) },
      ],
      from,
      to,
    );
    expect(spans).toEqual([
      { start: T0, end: T0 + 600_000 },
      { start: T0 + 1_200_000, end: T0 + 3_600_000 },
    ]);
  });

  it('occupancy: two chats at once count once, work while offline does not count', () => {
    // Logged in 0–600 s and 1200–1800 s: 1200 s. Chats 100–400 and 200–500 (one span 100–500 = 400 s),
    // and 550–1300 of which only 550–600 and 1200–1300 are logged in (150 s). 550 / 1200.
    const o = occupancy(
      [
        { agentId: 'a', status: 'available', at: at(0) },
        { agentId: 'a', status: 'offline', at: at(600) },
        { agentId: 'a', status: 'available', at: at(1200) },
      ],
      [
        { agentId: 'a', start: at(100), end: at(400) },
        { agentId: 'a', start: at(200), end: at(500) },
        { agentId: 'a', start: at(550), end: at(1300) },
      ],
      at(0),
      at(1800),
    );
    expect(o).toEqual({ workingMs: 550_000, loggedInMs: 1_200_000 });
  });

  it('work still in progress runs to the end of the range', () => {
    const o = occupancy([{ agentId: 'a', status: 'available', at: at(0) }], [{ agentId: 'a', start: at(900), end: null }], at(0), at(1800));
    expect(o.workingMs / o.loggedInMs).toBe(0.5);
  });
});

describe('buildReport', () => {
  const input = {
    from: at(0),
    to: at(3600),
    queues: [
      { id: 'q1', name: 'sales' },
      { id: 'q2', name: 'quiet' },
    ],
    agents: [
      { id: 'a1', name: 'Ann' },
      { id: 'a2', name: 'Bob' },
    ],
    tasks: [
      task({ queueId: 'q1', agentId: 'a1', enq: 0, asg: 10, done: 310 }),
      task({ queueId: 'q1', agentId: 'a2', enq: 0, asg: 40, done: 140 }),
      task({ queueId: 'q1', enq: 0, aband: 60 }),
    ],
    conversations: [],
    offers: [{ agentId: 'a1' }, { agentId: 'a1' }, { agentId: 'a2' }],
    segments: [
      segment({ agentId: 'a1', start: 10, end: 310, enq: 0 }),
      segment({ agentId: 'a2', start: 40, end: 140, enq: 0 }),
    ],
    statusChanges: [
      { agentId: 'a1', status: 'available' as const, at: at(0) },
      { agentId: 'a2', status: 'available' as const, at: at(0) },
      { agentId: 'a2', status: 'offline' as const, at: at(1800) },
    ],
    work: [
      { agentId: 'a1', start: at(10), end: at(310) },
      { agentId: 'a2', start: at(40), end: at(140) },
    ],
  };

  it('per queue: every queue listed, an idle one with zeros and no rates', () => {
    const r = buildReport({ ...input, groupBy: 'queue' });
    expect(r.rows.map((x) => [x.name, x.offered, x.answered, x.abandoned])).toEqual([
      ['sales', 3, 2, 1],
      ['quiet', 0, 0, 0],
    ]);
    expect(r.rows[0]!.serviceLevel).toBe(0.5);
    expect(r.rows[0]!.abandonRate).toBe(1 / 3);
    expect(r.rows[1]!.serviceLevel).toBeNull();
  });

  it('per agent: offers presented, answered, AHT and occupancy of each', () => {
    const r = buildReport({ ...input, groupBy: 'agent' });
    const [ann, bob] = r.rows as [MetricRow, MetricRow];
    expect([ann.offered, ann.answered, ann.ahtSeconds, ann.abandoned]).toEqual([2, 1, 300, null]);
    expect(ann.occupancy).toBe(300 / 3600);
    expect([ann.loggedInSeconds, ann.busySeconds]).toEqual([3600, 300]);
    expect(bob.occupancy).toBe(100 / 1800);
    expect([bob.loggedInSeconds, bob.busySeconds]).toEqual([1800, 100]);
    // The center: 400 s of work over 5400 s logged in.
    expect(r.total.occupancy).toBe(400 / 5400);
    expect(r.total.offered).toBe(3);
  });

  it('per agent: a conversation handed from Ann to Bob is credited to each for their own segment', () => {
    // Enqueued at 0, Ann takes it at 10 and is relieved at 100; Bob holds it until the close at 400.
    const r = buildReport({
      ...input,
      groupBy: 'agent',
      tasks: [task({ queueId: 'q1', agentId: 'a2', enq: 0, asg: 10, done: 400, wrapUpSeconds: 15 })],
      offers: [{ agentId: 'a1' }],
      segments: [
        segment({ agentId: 'a1', start: 10, end: 100, endReason: 'reassigned', enq: 0, wrapUpSeconds: 15, clock: 0, reply: 30 }),
        segment({ agentId: 'a2', start: 100, end: 400, wrapUpSeconds: 15, clock: 100, reply: 130 }),
      ],
      conversations: [{ queueId: 'q1', agentId: 'a2', createdAt: at(0), closedAt: at(400), firstCustomerAt: at(0), firstAgentReplyAt: at(30), csatScore: 5 }],
      work: [segmentWork(segment({ agentId: 'a1', start: 10, end: 100, endReason: 'reassigned', wrapUpSeconds: 15 })), segmentWork(segment({ agentId: 'a2', start: 100, end: 400, wrapUpSeconds: 15 }))],
    });
    const [ann, bob] = r.rows as [MetricRow, MetricRow];
    expect(ann).toMatchObject({ offered: 1, answered: 1, serviceLevel: 1, asaSeconds: 10, ahtSeconds: 90, firstResponseSeconds: 30, resolutionSeconds: null, csatCount: 0, busySeconds: 90 });
    expect(bob).toMatchObject({ offered: 0, answered: 1, serviceLevel: null, asaSeconds: null, ahtSeconds: 315, firstResponseSeconds: 30, resolutionSeconds: 400, csatAverage: 5, csatCount: 1, busySeconds: 315 });
    // The queue and the center still see one conversation answered once.
    expect(r.total).toMatchObject({ answered: 1, ahtSeconds: 405 });
  });
});

function segment(p: { agentId: string; start: number; end?: number; endReason?: SegmentRecord['endReason']; enq?: number; wrapUpSeconds?: number; clock?: number; reply?: number }): SegmentRecord {
  return {
    agentId: p.agentId,
    queueId: 'q1',
    start: at(p.start),
    end: p.end === undefined ? null : at(p.end),
    endReason: p.end === undefined ? null : (p.endReason ?? 'completed'),
    enqueuedAt: p.enq === undefined ? null : at(p.enq),
    thresholdSeconds: 20,
    wrapUpSeconds: p.wrapUpSeconds ?? 0,
    clockStart: p.clock === undefined ? null : at(p.clock),
    firstReplyAt: p.reply === undefined ? null : at(p.reply),
  };
}

describe('segment figures', () => {
  it('wait and service level only where the agent took it first; wrap-up only after the close; no reply, no first response', () => {
    const f = segmentFigures([
      segment({ agentId: 'a', start: 30, end: 90, enq: 0, wrapUpSeconds: 10 }), // waited 30 s (> 20), 60 s + 10 s wrap-up
      segment({ agentId: 'a', start: 100, end: 150, endReason: 'requeued', wrapUpSeconds: 10 }), // handed to them: no wait; 50 s, no wrap-up
      segment({ agentId: 'a', start: 200, enq: 190, clock: 185, reply: 215 }), // still holding: no handle time yet
    ]);
    expect(f).toMatchObject({ answered: 3, serviceLevel: 0.5, asaSeconds: 20, ahtSeconds: 60, firstResponseSeconds: 30 });
  });

  it('busy time runs through the wrap-up after a close, not after a hand-over', () => {
    expect(segmentWork(segment({ agentId: 'a', start: 0, end: 60, wrapUpSeconds: 30 })).end).toEqual(at(90));
    expect(segmentWork(segment({ agentId: 'a', start: 0, end: 60, endReason: 'reassigned', wrapUpSeconds: 30 })).end).toEqual(at(60));
    expect(segmentWork(segment({ agentId: 'a', start: 0 })).end).toBeNull();
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Sales, North')).toBe('"Sales, North"');
    expect(csvField('the "best" queue')).toBe('"the ""best"" queue"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('round-trips Persian and awkward names through a CSV parser, after a BOM', () => {
    const names = ['پشتیبانی، فروش', 'say "hi"', 'line\r\nbreak', 'Ann'];
    const row = (name: string, i: number): MetricRow => ({
      id: `q${i}`,
      name,
      offered: i,
      answered: 0,
      abandoned: 0,
      serviceLevel: 0.8125,
      asaSeconds: 12.34,
      ahtSeconds: null,
      abandonRate: null,
      occupancy: null,
      loggedInSeconds: null,
      busySeconds: null,
      firstResponseSeconds: null,
      resolutionSeconds: null,
      csatAverage: 4.333,
      csatCount: 3,
    });
    const csv = reportCsv({ groupBy: 'queue', rows: names.map(row), total: row('total', 9) });
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const records = parseCsv(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r['name'])).toEqual([...names, 'total']);
    expect(records[0]).toMatchObject({ kind: 'queue', service_level_pct: '81.3', asa_seconds: '12.3', aht_seconds: '', csat_average: '4.33', csat_count: '3' });
    expect(records[4]!['kind']).toBe('total');
  });
});

describe('report ranges', () => {
  it('local midnight in Tehran is 20:30 UTC the day before', () => {
    expect(zonedDayStart('2026-11-01', 'Asia/Tehran').toISOString()).toBe('2026-10-31T20:30:00.000Z');
    expect(zonedDayStart('2026-11-01', 'UTC').toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('follows daylight saving: New York midnight is 04:00 UTC in summer and 05:00 in winter', () => {
    expect(zonedDayStart('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(zonedDayStart('2026-12-01', 'America/New_York').toISOString()).toBe('2026-12-01T05:00:00.000Z');
  });

  it('validates dates and zones', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-1-1')).toBe(false);
    expect(isTimeZone('Asia/Tehran')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });
});
