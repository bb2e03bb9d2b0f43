/**
 * Seeded randomness for the simulator: xoshiro128** (32-bit state words) seeded through splitmix32,
 * so any integer or string seed gives a well-mixed state. No Math.random anywhere in the simulator:
 * the same seed gives the same run, bit for bit.
 */

/** One step of splitmix32; used to expand a seed into generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit hash of a string (FNV-1a), to derive sub-streams from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const st = { s: typeof seed === 'string' ? hashString(seed) : seed | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** An independent generator for a named purpose (arrivals of one stream, patience, …). */
  fork(label: string | number): Rng {
    return new Rng((this.nextUint32() ^ (typeof label === 'string' ? hashString(label) : label)) | 0);
  }

  /** xoshiro128**: the next 32 random bits. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1]: safe under log. */
  nextOpen(): number {
    return 1 - this.next();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }

  /** Standard normal (Box–Muller; one value per call, simple and deterministic). */
  normal(): number {
    const u = this.nextOpen();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element, chosen by weight. */
  pick<T>(items: readonly T[], weight: (x: T) => number): T {
    let total = 0;
    for (const x of items) total += Math.max(0, weight(x));
    let r = this.next() * total;
    for (const x of items) {
      r -= Math.max(0, weight(x));
      if (r < 0) return x;
    }
    return items[items.length - 1]!;
  }
}

/** A duration distribution, in seconds. A bare number is a fixed value. */
export type Dist =
  | number
  | { kind: 'fixed'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Log-normal given by its own mean and standard deviation (not those of the underlying normal). */
  | { kind: 'lognormal'; mean: number; sd: number };

export function sample(rng: Rng, d: Dist): number {
  if (typeof d === 'number') return d;
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return d.mean > 0 ? rng.exponential(d.mean) : 0;
    case 'uniform':
      return d.min + (d.max - d.min) * rng.next();
    case 'lognormal': {
      if (!(d.mean > 0)) return 0;
      const s2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
      const mu = Math.log(d.mean) - s2 / 2;
      return Math.exp(mu + Math.sqrt(s2) * rng.normal());
    }
  }
}

export function meanOf(d: Dist): number {
  if (typeof d === 'number') return d;
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return d.mean;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'lognormal':
      return d.mean;
  }
}
