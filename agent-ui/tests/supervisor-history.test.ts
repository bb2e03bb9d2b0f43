import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_GAP_MS, WINDOW_MS, niceCeil, prune, record, stepPath, type History } from '../src/console/supervisor/history.js';

const T = 1_700_000_000_000;
const push = (h: History, at: number, waiting: number, queueId = 'q') => record(h, at, [{ queueId, waiting }]);

describe('waiting-count history behind the last-hour chart', () => {
  it('pushes with the same count extend one run; a change starts a joined run', () => {
    let h: History = {};
    h = push(h, T, 2);
    h = push(h, T + 5_000, 2);
    h = push(h, T + 10_000, 3);
    expect(h['q']).toEqual([
      { from: T, to: T + 5_000, waiting: 2, joined: false },
      { from: T + 10_000, to: T + 10_000, waiting: 3, joined: true },
    ]);
  });

  it('a silence longer than the gap (we were not listening) is left empty, not drawn as a flat line', () => {
    let h: History = {};
    h = push(h, T, 2);
    h = push(h, T + MAX_GAP_MS + 1, 2);
    expect(h['q']).toHaveLength(2);
    expect(h['q']![1]!.joined).toBe(false);
    const path = stepPath(h['q']!, { start: T, end: T + 60_000, width: 600, height: 100, top: 5 }, null);
    // Two separate subpaths: the pen lifts over the gap.
    expect(path.match(/M/g)).toHaveLength(2);
  });

  it('an out-of-order push (older than what is held) changes nothing', () => {
    let h: History = {};
    h = push(h, T + 10_000, 4);
    const before = h;
    h = push(h, T + 5_000, 9);
    expect(h['q']).toEqual(before['q']);
  });

  it('a queue that disappears from the pushes (deleted) leaves the chart', () => {
    let h: History = {};
    h = record(h, T, [{ queueId: 'a', waiting: 1 }, { queueId: 'b', waiting: 2 }]);
    h = record(h, T + 1_000, [{ queueId: 'a', waiting: 1 }]);
    expect(Object.keys(h)).toEqual(['a']);
  });

  it('keeps only the last hour, saved or live', () => {
    let h: History = {};
    h = push(h, T, 1);
    h = push(h, T + 20_000, 2);
    h = push(h, T + WINDOW_MS + 60_000, 3);
    expect(h['q']!.map((r) => r.waiting)).toEqual([3]);
    expect(prune({ q: [{ from: T, to: T + 1000, waiting: 1, joined: false }] }, T + WINDOW_MS + 2000)).toEqual({});
  });

  it('never holds a run older than the window, whatever the pushes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }), (steps) => {
        let h: History = {};
        let at = T;
        for (const [dt, waiting] of steps) {
          at += dt;
          h = push(h, at, waiting, 'q');
        }
        for (const [i, run] of (h['q'] ?? []).entries()) {
          expect(run.from).toBeLessThanOrEqual(run.to);
          const next = h['q']![i + 1];
          // The first run may start earlier only while its line still reaches into the window.
          if (i > 0) expect(run.to).toBeGreaterThanOrEqual(at - WINDOW_MS);
          if (next) expect(next.from).toBeGreaterThan(run.to);
        }
      }),
    );
  });

  it('the chart top is a round number at least the highest count', () => {
    expect([0, 1, 2, 3, 6, 11, 49, 51, 101].map(niceCeil)).toEqual([1, 1, 2, 5, 10, 20, 50, 100, 200]);
  });

  it('the line steps at each change and runs on to the present while connected', () => {
    const runs = [
      { from: T, to: T + 10_000, waiting: 0, joined: false },
      { from: T + 20_000, to: T + 20_000, waiting: 4, joined: true },
    ];
    const frame = { start: T, end: T + 40_000, width: 400, height: 100, top: 4 };
    expect(stepPath(runs, frame, T + 40_000)).toBe('M0.0,100.0 L100.0,100.0 L200.0,100.0 L200.0,0.0 L200.0,0.0 L400.0,0.0');
    // Disconnected: the line stops at the last push.
    expect(stepPath(runs, frame, null).endsWith('L200.0,0.0')).toBe(true);
  });
});
