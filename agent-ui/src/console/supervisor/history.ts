// The last hour of each queue's waiting count, built in the browser from the
// supervisor pushes. Pure functions over plain data, so they are easy to test
// and to keep in localStorage.
//
// A queue's history is a list of runs: spans of time during which every push
// showed the same count. The hub pushes on every change and at least every 5 s
// while anyone watches, so two pushes more than MAX_GAP_MS apart mean we were
// not listening (disconnected, tab closed): the chart leaves that span empty
// instead of drawing a line nobody saw.

export interface Run {
  /** Epoch ms (hub clock) of the first and last push that showed this count. */
  from: number;
  to: number;
  waiting: number;
  /** The previous run ended right before this one, so the line is continuous. */
  joined: boolean;
}

export type History = Readonly<Record<string, readonly Run[]>>;

export const WINDOW_MS = 60 * 60 * 1000;
export const MAX_GAP_MS = 30_000;

/** Drops runs that end before `start` (a run still shapes the line until the next joined run begins). */
function trim(runs: Run[], start: number): Run[] {
  let first = 0;
  while (first < runs.length) {
    const run = runs[first]!;
    const next = runs[first + 1];
    const lineEnds = next && next.joined ? next.from : run.to;
    if (lineEnds >= start) break;
    first++;
  }
  return first === 0 ? runs : runs.slice(first);
}

/** Adds one push (`at`, hub time) for every queue in it; queues absent from the push are dropped. */
export function record(
  history: History,
  at: number,
  queues: readonly { queueId: string; waiting: number }[],
  windowMs = WINDOW_MS,
  maxGapMs = MAX_GAP_MS,
): History {
  const next: Record<string, Run[]> = {};
  for (const q of queues) {
    const runs = [...(history[q.queueId] ?? [])];
    const last = runs[runs.length - 1];
    if (last && at <= last.to) {
      // A push older than what we hold (reordered, or a clock step): keep what we have.
    } else if (last && at - last.to <= maxGapMs && last.waiting === q.waiting) {
      runs[runs.length - 1] = { ...last, to: at };
    } else {
      runs.push({ from: at, to: at, waiting: q.waiting, joined: last !== undefined && at - last.to <= maxGapMs });
    }
    next[q.queueId] = trim(runs, at - windowMs);
  }
  return next;
}

/** Removes everything older than the window (used after loading a saved history). */
export function prune(history: History, now: number, windowMs = WINDOW_MS): History {
  const next: Record<string, Run[]> = {};
  for (const [id, runs] of Object.entries(history)) {
    const kept = trim([...runs], now - windowMs);
    if (kept.length > 0) next[id] = kept;
  }
  return next;
}

/** The smallest of 1, 2, 5, 10, 20, 50… that is at least `value`: the chart's top line. */
export function niceCeil(value: number): number {
  if (value <= 1) return 1;
  let magnitude = 1;
  for (;;) {
    for (const step of [1, 2, 5]) if (step * magnitude >= value) return step * magnitude;
    magnitude *= 10;
  }
}

export interface Frame {
  start: number;
  end: number;
  width: number;
  height: number;
  top: number;
}

/**
 * An SVG path for the runs inside [start, end], as a step line: the count holds
 * until the next push changed it. `liveUntil` extends the last run to that time
 * (the present, while connected); a gap starts a new subpath.
 */
export function stepPath(runs: readonly Run[], frame: Frame, liveUntil: number | null): string {
  const { start, end, width, height, top } = frame;
  const span = Math.max(1, end - start);
  const x = (t: number) => (((Math.min(end, Math.max(start, t)) - start) / span) * width).toFixed(1);
  const y = (w: number) => (height - (Math.min(w, top) / top) * height).toFixed(1);
  const parts: string[] = [];
  runs.forEach((run, i) => {
    const previous = runs[i - 1];
    if (run.to < start && !(runs[i + 1]?.joined ?? false)) return;
    if (previous && run.joined && parts.length > 0) {
      parts.push(`L${x(run.from)},${y(previous.waiting)}`, `L${x(run.from)},${y(run.waiting)}`);
    } else {
      parts.push(`M${x(run.from)},${y(run.waiting)}`);
    }
    parts.push(`L${x(run.to)},${y(run.waiting)}`);
  });
  const last = runs[runs.length - 1];
  if (last && liveUntil !== null && liveUntil > last.to && parts.length > 0) parts.push(`L${x(liveUntil)},${y(last.waiting)}`);
  return parts.join(' ');
}
