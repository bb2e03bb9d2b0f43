// Orders and de-duplicates the hub's sequenced agent events. Pure: no sockets,
// no timers, so the rules can be tested on their own.
//
// The hub numbers every event it pushes to an agent 1, 2, 3 … An event can
// arrive twice (live and again in a replay), early (a live event overtakes the
// replay of older ones) or never (the console was offline). `last` is the
// highest seq applied with nothing missing below it; anything later waits in
// `pending` until the gap fills.

export class SeqTracker<T> {
  private last: number | null = null;
  private readonly pending = new Map<number, T>();

  /** What to send the hub on reconnect; null before the first `events:sync`. */
  get lastSeq(): number | null {
    return this.last;
  }

  /** True while an event is held back because an earlier one has not arrived. */
  get hasGap(): boolean {
    return this.last !== null && this.pending.size > 0;
  }

  /** Takes one event; returns those now ready to apply, in order (none for a duplicate). */
  receive(seq: number, item: T): T[] {
    if ((this.last !== null && seq <= this.last) || this.pending.has(seq)) return [];
    this.pending.set(seq, item);
    return this.drain();
  }

  /**
   * The hub's `events:sync` (after every connect and replay): `seq` is the newest
   * event it has issued. Returns events now ready, and whether the console must
   * refetch everything because some events can no longer be had.
   */
  sync(seq: number, resync: boolean): { ready: T[]; refresh: boolean } {
    if (resync || this.last === null) {
      this.restartAt(seq);
      return { ready: this.drain(), refresh: resync };
    }
    const ready = this.drain();
    if (this.last < seq) {
      // The replay ended short of what the hub issued: never leave a silent hole.
      this.restartAt(seq);
      return { ready: [...ready, ...this.drain()], refresh: true };
    }
    return { ready, refresh: false };
  }

  private restartAt(seq: number): void {
    this.last = seq;
    for (const s of [...this.pending.keys()]) if (s <= seq) this.pending.delete(s);
  }

  private drain(): T[] {
    const ready: T[] = [];
    if (this.last === null) return ready;
    for (;;) {
      const next = this.pending.get(this.last + 1);
      if (next === undefined) break;
      this.pending.delete(this.last + 1);
      this.last += 1;
      ready.push(next);
    }
    return ready;
  }
}
