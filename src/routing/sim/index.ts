export { simulate, quantile } from './simulator.js';
export { generateArrivals } from './arrivals.js';
export type { ArrivalStream, GenerateOptions } from './arrivals.js';
export { Rng, sample, meanOf, hashString } from './rng.js';
export type { Dist } from './rng.js';
export { SIM_DEFINITIONS } from './types.js';
export type * from './types.js';
