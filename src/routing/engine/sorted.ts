/**
 * Small deterministic containers for the engine (no randomness, so runs repeat exactly).
 *
 * SortedList keeps its items in chunks of at most 2·LOAD sorted arrays: insert and delete cost a
 * binary search over the chunk maxima plus a splice inside one chunk, O(log n + LOAD); iteration in
 * order is a plain walk. The comparator must be a strict total order on the stored items (every
 * engine comparator ends with the id), so an item is found again by comparing, not by identity.
 */
const LOAD = 256;

export class SortedList<T> {
  private chunks: T[][] = [];
  private maxes: T[] = [];
  private count = 0;

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  first(): T | undefined {
    return this.chunks[0]?.[0];
  }

  insert(x: T): void {
    if (this.chunks.length === 0) {
      this.chunks.push([x]);
      this.maxes.push(x);
      this.count = 1;
      return;
    }
    let ci = this.chunkAtLeast(x);
    if (ci === this.chunks.length) ci -= 1;
    const c = this.chunks[ci]!;
    c.splice(this.bisectLeft(c, x), 0, x);
    this.maxes[ci] = c[c.length - 1]!;
    this.count += 1;
    if (c.length > 2 * LOAD) {
      const right = c.splice(LOAD);
      this.chunks.splice(ci + 1, 0, right);
      this.maxes[ci] = c[c.length - 1]!;
      this.maxes.splice(ci + 1, 0, right[right.length - 1]!);
    }
  }

  delete(x: T): boolean {
    const ci = this.chunkAtLeast(x);
    const c = this.chunks[ci];
    if (!c) return false;
    const i = this.bisectLeft(c, x);
    if (i >= c.length || this.cmp(c[i]!, x) !== 0) return false;
    c.splice(i, 1);
    this.count -= 1;
    if (c.length === 0) {
      this.chunks.splice(ci, 1);
      this.maxes.splice(ci, 1);
    } else this.maxes[ci] = c[c.length - 1]!;
    return true;
  }

  /** The smallest item strictly greater than x (x need not be stored). */
  after(x: T): T | undefined {
    const ci = this.chunkAbove(x);
    const c = this.chunks[ci];
    if (!c) return undefined;
    return c[this.bisectRight(c, x)];
  }

  /**
   * Visits items in order, starting after `after` when given; stops early when `visit` returns true.
   * The list must not change during the walk.
   */
  walk(visit: (x: T) => boolean | void, after?: T): void {
    let ci = 0;
    let i = 0;
    if (after !== undefined) {
      ci = this.chunkAbove(after);
      const c = this.chunks[ci];
      if (!c) return;
      i = this.bisectRight(c, after);
    }
    for (; ci < this.chunks.length; ci++, i = 0) {
      const c = this.chunks[ci]!;
      for (; i < c.length; i++) if (visit(c[i]!) === true) return;
    }
  }

  /** The chunks themselves, for allocation-free walks in hot paths (read only; no changes during the walk). */
  get blocks(): readonly (readonly T[])[] {
    return this.chunks;
  }

  /** Where a walk of `blocks` starting after x begins: [chunk, index] (chunk = blocks.length when nothing follows). */
  positionAfter(x: T): [number, number] {
    const ci = this.chunkAbove(x);
    const c = this.chunks[ci];
    return c ? [ci, this.bisectRight(c, x)] : [this.chunks.length, 0];
  }

  /** First chunk whose maximum is ≥ x (chunks.length when none). */
  private chunkAtLeast(x: T): number {
    let lo = 0;
    let hi = this.maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmp(this.maxes[mid]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First chunk whose maximum is > x. */
  private chunkAbove(x: T): number {
    let lo = 0;
    let hi = this.maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmp(this.maxes[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private bisectLeft(c: T[], x: T): number {
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmp(c[mid]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private bisectRight(c: T[], x: T): number {
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmp(c[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A binary min-heap. */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.cmp(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.cmp(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.cmp(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
