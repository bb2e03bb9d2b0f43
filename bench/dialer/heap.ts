/** A binary min-heap of timed events; ties break by insertion order so runs are deterministic. */
export interface Timed {
  t: number;
  seq: number;
}

/** Omit over each member of a union. */
export type Unsequenced<E> = E extends unknown ? Omit<E, 'seq'> : never;

export class EventHeap<E extends Timed> {
  private items: E[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  /** Adds the event (the object itself is kept and given its sequence number). */
  push(event: Unsequenced<E>): void {
    const e = event as unknown as E;
    e.seq = this.counter++;
    const a = this.items;
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent]!;
      if (!(e.t < p.t || (e.t === p.t && e.seq < p.seq))) break;
      a[i] = p;
      i = parent;
    }
    a[i] = e;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  pop(): E | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && before(a[r]!, a[l]!)) c = r;
        if (!before(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function before(x: Timed, y: Timed): boolean {
  return x.t < y.t || (x.t === y.t && x.seq < y.seq);
}
