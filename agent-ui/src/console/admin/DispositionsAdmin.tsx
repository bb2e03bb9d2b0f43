import { useI18n } from '../i18n/context.js';

/** Placeholder until the screen lands. */
export function DispositionsAdmin() {
  const { t } = useI18n();
  return (
    <section className="page" data-testid="dispositions-page">
      <h2>{t('admin.dispositions')}</h2>
    </section>
  );
}
