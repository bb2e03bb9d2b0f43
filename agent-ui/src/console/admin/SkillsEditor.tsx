import type { SkillLevel } from '../api/endpoints.js';
import { useI18n, type I18n } from '../i18n/context.js';
import { Field } from './Field.js';
import { FieldError, invalidProps } from './FieldError.js';
import { parseNumber, type ErrorCollector, type FieldErrors } from './fieldErrors.js';

export interface SkillRow {
  key: number;
  skill: string;
  level: string;
}

let nextKey = 1;
export const newSkillRow = (skill = '', level = '5'): SkillRow => ({ key: nextKey++, skill, level });
export const rowsOf = (skills: readonly SkillLevel[]): SkillRow[] => skills.map((s) => newSkillRow(s.skill, String(s.level)));

/** Checks the rows (paths `skills.N.skill`, `skills.N.level`, `skills`) and returns what to send. */
export function readSkills(rows: readonly SkillRow[], c: ErrorCollector, t: I18n['t']): SkillLevel[] {
  const out: SkillLevel[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const skill = row.skill.trim().toLowerCase();
    const level = parseNumber(row.level);
    if (!skill) c.add(`skills.${i}.skill`, t('form.required'));
    else if (seen.has(skill)) c.add(`skills.${i}.skill`, t('admin.skillTwice'));
    seen.add(skill);
    if (level === null || !Number.isInteger(level) || level < 1 || level > 10) c.add(`skills.${i}.level`, t('form.integer', { min: 1, max: 10 }));
    out.push({ skill, level: level ?? 0 });
  });
  return out;
}

interface Props {
  rows: readonly SkillRow[];
  errors: FieldErrors;
  onChange: (rows: SkillRow[]) => void;
}

/** Skill name and level (1–10) rows with add and remove. */
export function SkillsEditor({ rows, errors, onChange }: Props) {
  const { t } = useI18n();
  const update = (key: number, patch: Partial<SkillRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className="skills-editor" data-testid="skills-editor">
      <legend>{t('admin.skills')}</legend>
      <p className="help">{t('admin.skillsHelp')}</p>
      {rows.length === 0 && <p className="muted small">{t('admin.noSkills')}</p>}
      <ol className="rows">
        {rows.map((row, i) => (
          <li key={row.key} className="row" data-testid="skill-row">
            <Field label={t('admin.skill')} className="grow" error={<FieldError errors={errors} path={`skills.${i}.skill`} />}>
              <input
                dir="ltr"
                value={row.skill}
                spellCheck={false}
                autoCapitalize="none"
                onChange={(e) => update(row.key, { skill: e.target.value })}
                data-testid="skill-name"
                {...invalidProps(errors, `skills.${i}.skill`)}
              />
            </Field>
            <Field label={t('admin.level')} className="narrow" error={<FieldError errors={errors} path={`skills.${i}.level`} />}>
              <input
                dir="ltr"
                inputMode="numeric"
                value={row.level}
                onChange={(e) => update(row.key, { level: e.target.value })}
                data-testid="skill-level"
                {...invalidProps(errors, `skills.${i}.level`)}
              />
            </Field>
            <button
              type="button"
              className="link remove"
              onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
              aria-label={t('admin.removeSkillNamed', { name: row.skill || String(i + 1) })}
            >
              {t('common.remove')}
            </button>
          </li>
        ))}
      </ol>
      <FieldError errors={errors} path="skills" />
      <button type="button" onClick={() => onChange([...rows, newSkillRow()])} data-testid="skill-add">
        {t('admin.addSkill')}
      </button>
    </fieldset>
  );
}
