import type { Db } from '../../db/index.js';
import type { SkillRequirement } from '../../db/schema.js';
import type { QueueConfig, SkillExpr } from '../engine/index.js';

/** The legacy AND list becomes an expression, so old rows route as they always did. */
export function requirementOf(requirement: SkillExpr | null, legacy: readonly SkillRequirement[]): SkillExpr | null {
  if (requirement) return requirement;
  if (legacy.length === 0) return null;
  if (legacy.length === 1) return { skill: legacy[0]!.skill, minLevel: legacy[0]!.minLevel };
  return { all: legacy.map((r) => ({ skill: r.skill, minLevel: r.minLevel })) };
}

/** Every queue as the engine's configuration. */
export async function loadQueueConfigs(db: Db): Promise<QueueConfig[]> {
  const rows = await db.selectFrom('queues').selectAll().orderBy('name').execute();
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    requirement: requirementOf(r.requirement, r.required_skills as SkillRequirement[]),
    priority: r.priority,
    serviceLevel: { targetFraction: r.sl_target_fraction, thresholdSeconds: r.sl_threshold_seconds },
    strategy: r.strategy,
    escalation: r.escalation,
    predictiveEscalation: r.predictive_escalation,
    agingPerMinute: r.aging_per_minute,
    stickyWaitSeconds: r.sticky_wait_seconds,
    wrapUpSeconds: r.wrap_up_seconds,
  }));
}
