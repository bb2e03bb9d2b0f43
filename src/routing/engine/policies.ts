import type { EngineAgent, SelectionPolicy } from './types.js';

const byId = (a: EngineAgent, b: EngineAgent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The agent who has waited longest since their last work goes first; ties by id so runs repeat exactly. */
export const longestIdle: SelectionPolicy = {
  name: 'longest-idle',
  rank: (_task, candidates) => [...candidates].sort((a, b) => a.idleSince - b.idleSince || byId(a, b)),
};
