export { RoutingEngine } from './engine.js';
export { longestIdle } from './policies.js';
export { meetsSkills } from './skills.js';
export type * from './types.js';
