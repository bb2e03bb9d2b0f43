export { RoutingEngine } from './engine.js';
export { STRATEGIES } from './types.js';
export { longestIdle } from './policies.js';
export { meetsExpr, meetsSkills, stepRequirement } from './skills.js';
export { validateQueues, SKILL_NAME } from './validate.js';
export type { QueueIssue } from './validate.js';
export type * from './types.js';
