import type { EngineAgent, EscalationStep, SkillExpr, SkillRequirement } from './types.js';

/** The agent's level in a skill; 0 when absent (own properties only, so names like `__proto__` are plain names). */
export function levelOf(skills: Readonly<Record<string, number>>, skill: string): number {
  if (!Object.hasOwn(skills, skill)) return 0;
  const v = skills[skill];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Every requirement met at its minimum level (AND). An empty list needs no skill. */
export function meetsSkills(agent: Pick<EngineAgent, 'skills'>, required: readonly SkillRequirement[]): boolean {
  return required.every((r) => levelOf(agent.skills, r.skill) >= r.minLevel);
}

/** Whether skills satisfy an expression; `null` needs nothing. Malformed expressions match nobody. */
export function meetsExpr(skills: Readonly<Record<string, number>>, expr: SkillExpr | null): boolean {
  if (expr === null) return true;
  if (typeof expr !== 'object') return false;
  if ('skill' in expr) return levelOf(skills, expr.skill) >= (expr.minLevel ?? 1);
  if ('all' in expr) return Array.isArray(expr.all) && expr.all.every((e) => meetsExpr(skills, e));
  if ('any' in expr) return Array.isArray(expr.any) && expr.any.some((e) => meetsExpr(skills, e));
  return false;
}

/** The same expression with every minimum level lowered by `by` (never below 1). */
export function lowerMinLevels(expr: SkillExpr, by: number): SkillExpr {
  if (by <= 0 || typeof expr !== 'object' || expr === null) return expr;
  if ('skill' in expr) return { skill: expr.skill, minLevel: Math.max(1, (expr.minLevel ?? 1) - by) };
  if ('all' in expr) return { all: Array.isArray(expr.all) ? expr.all.map((e) => lowerMinLevels(e, by)) : [] };
  if ('any' in expr) return { any: Array.isArray(expr.any) ? expr.any.map((e) => lowerMinLevels(e, by)) : [] };
  return expr;
}

/** The skill names an expression mentions, sorted. */
export function exprSkills(expr: SkillExpr | null): string[] {
  const out = new Set<string>();
  const visit = (e: SkillExpr, depth: number) => {
    if (depth > 64 || typeof e !== 'object' || e === null) return;
    if ('skill' in e) out.add(e.skill);
    else if ('all' in e && Array.isArray(e.all)) e.all.forEach((x) => visit(x, depth + 1));
    else if ('any' in e && Array.isArray(e.any)) e.any.forEach((x) => visit(x, depth + 1));
  };
  if (expr) visit(expr, 0);
  return [...out].sort();
}

/**
 * Who may take a task of a queue after `applied` escalation steps: the base requirement with every
 * minimum lowered by the sum of the applied `lowerMinLevelBy`, OR any applied `alsoAccept`.
 * Step 0 is the base requirement itself. Relaxations accumulate, so each step accepts at least
 * everyone the previous one did.
 */
export function stepRequirement(base: SkillExpr | null, steps: readonly EscalationStep[], applied: number): SkillExpr | null {
  if (base === null) return null;
  let lowerBy = 0;
  const also: SkillExpr[] = [];
  for (const s of steps.slice(0, applied)) {
    if (typeof s.lowerMinLevelBy === 'number' && Number.isFinite(s.lowerMinLevelBy) && s.lowerMinLevelBy > 0) lowerBy += s.lowerMinLevelBy;
    if (s.alsoAccept) also.push(s.alsoAccept);
  }
  const lowered = lowerMinLevels(base, lowerBy);
  return also.length === 0 ? lowered : { any: [lowered, ...also] };
}
