import type { EngineAgent, SkillRequirement } from './types.js';

/** Every requirement met at its minimum level (AND). An empty list needs no skill. */
export function meetsSkills(agent: Pick<EngineAgent, 'skills'>, required: readonly SkillRequirement[]): boolean {
  return required.every((r) => (agent.skills[r.skill] ?? 0) >= r.minLevel);
}
