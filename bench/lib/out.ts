/**
 * Benchmark output: results go to stdout as one JSON line each (so runs can be compared by
 * machines), everything else goes to stderr.
 */

/** Prints one result line: rates as fractions, times in ms or s as the field name says. */
export function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' ? round(v) : v))}\n`);
}

/** Diagnostics (progress, notes) for humans, on stderr. */
export function log(...parts: unknown[]): void {
  process.stderr.write(`${parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')}\n`);
}

/** Six significant digits is plenty for a benchmark line and keeps it readable. */
export function round(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0 || Number.isInteger(v)) return v;
  return Number(v.toPrecision(6));
}
