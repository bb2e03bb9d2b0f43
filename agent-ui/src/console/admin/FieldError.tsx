import { useI18n } from '../i18n/context.js';
import { errorsAt, type FieldErrors } from './fieldErrors.js';

export const errorId = (path: string) => `field-error-${path.replace(/\./g, '-')}`;

/** Attributes for an input whose errors a <FieldError> below it lists. */
export function invalidProps(errors: FieldErrors, path: string, nested = false) {
  const has = errorsAt(errors, path, nested).length > 0;
  return has ? { 'aria-invalid': true as const, 'aria-describedby': errorId(path) } : {};
}

/** The problems with one field, from the client's checks or the hub's answer, under the field. */
export function FieldError({ errors, path, nested = false }: { errors: FieldErrors; path: string; nested?: boolean }) {
  const { t } = useI18n();
  const issues = errorsAt(errors, path, nested);
  if (issues.length === 0) return null;
  return (
    <ul className="field-errors" id={errorId(path)} data-testid={`field-error-${path}`}>
      {issues.map((issue, i) => (
        <li key={i} dir="auto">
          {issue.sub && (
            <code dir="ltr" title={t('form.where')}>
              {issue.sub}
            </code>
          )}
          {issue.sub && ': '}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}

/** The form's banner: what failed, and any errors no field claimed. */
export function FormErrors({ general, rest }: { general: string | null; rest: readonly { path: string; message: string }[] }) {
  const { t } = useI18n();
  if (general === null && rest.length === 0) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      <p>{general ?? t('form.fixFields')}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map((r, i) => (
            <li key={i} dir="auto">
              {r.path && <code dir="ltr">{r.path}</code>}
              {r.path && ': '}
              {r.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
