import type { Benchmark } from '../lib/types.js';

export const benchmarks: Benchmark[] = [
  {
    name: 'e2e-chat',
    // Listed with the routing benchmarks too: the issue's `npm run bench -- routing` runs all four.
    groups: ['routing', 'e2e'],
    order: 40,
    summary: 'real hub, 200 agent consoles, web-chat visitors at fixed rates: message → offer p50/p99, max rate, vs a bare socket.io relay',
    run: async (args) => {
      const r = args.find((a) => a.startsWith('--rates='));
      return (await import('./chat.js')).runE2eChatBench(r ? { rates: r.slice(8).split(',').map(Number) } : {});
    },
  },
];
