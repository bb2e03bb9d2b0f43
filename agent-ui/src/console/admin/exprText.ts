import type { SkillExpr } from '../api/endpoints.js';
import type { I18n } from '../i18n/context.js';

/** A skill expression in words for the queue list: `billing ≥ 3 and (english or persian)`. */
export function exprText(expr: SkillExpr, t: I18n['t'], nested = false): string {
  if ('skill' in expr) return expr.minLevel ? t('expr.skillMin', { skill: expr.skill, level: expr.minLevel }) : expr.skill;
  const list = 'all' in expr ? expr.all : expr.any;
  const joined = list.map((e) => exprText(e, t, true)).join(t('all' in expr ? 'expr.and' : 'expr.or'));
  return nested && list.length > 1 ? `(${joined})` : joined;
}
