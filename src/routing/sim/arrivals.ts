import type { Channel } from '../../contracts/index.js';
import { Rng, hashString, sample, type Dist } from './rng.js';
import type { SimArrival } from './types.js';

/** A Poisson stream of contacts into one queue. */
export interface ArrivalStream {
  queueId: string;
  channel: Channel;
  /** Mean arrivals per hour (Poisson). */
  ratePerHour: number;
  /** Handle time, seconds (e.g. {kind: 'exponential', mean: 240}). */
  handle: Dist;
  /** Patience, seconds: drawn per arrival so every policy replays the same customers. */
  patience?: Dist;
  priority?: number;
  /** The stream runs from `start` to `end` seconds (default: the whole run). */
  start?: number;
  end?: number;
}

export interface GenerateOptions {
  seed: number | string;
  durationSeconds: number;
  streams: readonly ArrivalStream[];
  /**
   * Customers are drawn from a pool of this size (ids c1…cN) so the same customer comes back,
   * across channels: what sticky routing keys on. 0/absent = every contact a new customer (no id).
   */
  customers?: number;
}

/**
 * Poisson arrivals for each stream (exponential gaps at the stream's rate), with handle time and
 * patience drawn per arrival, merged in time order. Each stream draws from its own generator
 * (derived from the seed and the stream's position and queue), so streams are independent.
 */
export function generateArrivals(o: GenerateOptions): SimArrival[] {
  const out: { a: SimArrival; s: number }[] = [];
  const customerRng = new Rng(`${String(o.seed)}/customers`);
  o.streams.forEach((st, s) => {
    const rng = new Rng(hashString(`${String(o.seed)}/stream/${s}/${st.queueId}/${st.channel}`));
    const start = Math.max(0, st.start ?? 0);
    const end = Math.min(o.durationSeconds, st.end ?? o.durationSeconds);
    const mean = st.ratePerHour > 0 ? 3600 / st.ratePerHour : Number.POSITIVE_INFINITY;
    if (!Number.isFinite(mean)) return;
    for (let t = start + rng.exponential(mean); t < end; t += rng.exponential(mean)) {
      const a: SimArrival = { at: t, queueId: st.queueId, channel: st.channel, handleSeconds: Math.max(0, sample(rng, st.handle)) };
      if (st.patience !== undefined) a.patienceSeconds = Math.max(0, sample(rng, st.patience));
      if (st.priority !== undefined) a.priority = st.priority;
      out.push({ a, s });
    }
  });
  out.sort((x, y) => x.a.at - y.a.at || x.s - y.s);
  const pool = Math.floor(o.customers ?? 0);
  if (pool > 0) for (const x of out) x.a.customerId = `c${1 + customerRng.int(pool)}`;
  return out.map((x) => x.a);
}
