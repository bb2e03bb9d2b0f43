import { boolFlag, numberFlag } from '../lib/flags.js';
import type { Benchmark } from '../lib/types.js';

export const benchmarks: Benchmark[] = [
  {
    name: 'routing-engine',
    groups: ['routing'],
    order: 10,
    summary: 'decision latency and throughput at 1,000 and 10,000 agents with 50,000 waiting tasks, vs a naive scan',
    run: async (args) => (await import('./engine-speed.js')).runEngineSpeedBench({ events: numberFlag(args, 'events'), sizes: numberFlag(args, 'agents') }),
  },
  {
    name: 'routing-erlang',
    groups: ['routing'],
    order: 20,
    summary: 'simulated M/M/N (the anchors\' worked example) vs Erlang C: SL, ASA, occupancy',
    run: async (args) => (await import('./erlang.js')).runErlangBench({ replications: numberFlag(args, 'replications'), hours: numberFlag(args, 'hours') }),
  },
  {
    name: 'routing-multiskill',
    groups: ['routing'],
    order: 30,
    summary: 'multi-skill, mixed channels: pasokh vs longest-idle vs static timed escalation on the same arrivals',
    run: async (args) =>
      (await import('./multiskill.js')).runMultiskillBench({ days: numberFlag(args, 'days'), seed: numberFlag(args, 'seed'), ablations: !boolFlag(args, 'no-ablations') }),
  },
];
