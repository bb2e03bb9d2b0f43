import type { Benchmark } from '../lib/types.js';

export const benchmarks: Benchmark[] = [
  {
    name: 'dialer',
    groups: ['dialer'],
    order: 50,
    summary: 'predictive dialer simulation: every pacing policy and the oracle on the same seeded calls (--full for the whole sweep)',
    run: async (args) => (await import('./index.js')).runDialerBench(args),
  },
];
