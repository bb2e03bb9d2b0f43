/** Small numeric helpers for the pacing model (pure, allocation-light). */

/** Standard normal CDF (Abramowitz & Stegun 26.2.17 style rational approximation, |error| < 7.5e-8). */
export function normalCdf(x: number): number {
  if (x < -8) return 0;
  if (x > 8) return 1;
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const tail = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - tail : tail;
}

/** Survival function of a lognormal with log-mean `mu` and log-sd `sigma`, at x (same unit). */
export function lognormalSurvival(x: number, mu: number, sigma: number): number {
  if (x <= 0) return 1;
  return 1 - normalCdf((Math.log(x) - mu) / sigma);
}

/** Log-moments of a lognormal with the given mean and coefficient of variation. */
export function lognormalFromMean(mean: number, cv: number): { mu: number; sigma: number } {
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

const EPS = 1e-9;

/**
 * The distribution of a sum of independent Bernoulli variables (Poisson-binomial), by dynamic
 * programming. Probabilities at or above 1 − 1e-9 are counted as certain and shift the result
 * (`offset`); an upper tail below 1e-13 is trimmed as it goes. Returns pmf[k] = P(sum = offset + k),
 * written into `out` when it is given and large enough.
 */
export function poissonBinomial(probs: ArrayLike<number>, count = probs.length, out?: Float64Array): { offset: number; pmf: Float64Array } {
  const pmf = out && out.length >= count + 1 ? out : new Float64Array(count + 1);
  const shift = { offset: 0 };
  const size = poissonBinomialInto(probs, count, pmf, shift);
  return { offset: shift.offset, pmf: pmf.subarray(0, size) };
}

/**
 * `poissonBinomial` without allocation: the pmf goes to `out` (length ≥ count + 1); returns its
 * length, and the certain successes in `shift.offset`.
 */
export function poissonBinomialInto(probs: ArrayLike<number>, count: number, out: Float64Array, shift: { offset: number }): number {
  let offset = 0;
  let size = 1;
  out[0] = 1;
  for (let i = 0; i < count; i++) {
    const p = probs[i]!;
    if (p <= EPS) continue;
    if (p >= 1 - 1e-9) {
      offset++;
      continue;
    }
    const q = 1 - p;
    out[size] = 0;
    for (let k = size; k > 0; k--) out[k] = out[k]! * q + out[k - 1]! * p;
    out[0] = out[0]! * q;
    size++;
    while (size > 1 && out[size - 1]! < 1e-13) size--;
  }
  shift.offset = offset;
  return size;
}

/** In place: convolve a pmf (length `size`) with Bernoulli(p); returns the new size. `pmf` must have room. */
export function addBernoulli(pmf: Float64Array, size: number, p: number): number {
  if (p <= EPS) return size;
  const q = 1 - p;
  pmf[size] = 0;
  for (let k = size; k > 0; k--) pmf[k] = pmf[k]! * q + pmf[k - 1]! * p;
  pmf[0] = pmf[0]! * q;
  let n = size + 1;
  while (n > 1 && pmf[n - 1]! < 1e-13) n--;
  return n;
}

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
