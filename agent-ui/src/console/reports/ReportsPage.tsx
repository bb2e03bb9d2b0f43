import { useI18n } from '../i18n/context.js';

/** Placeholder until the screen lands. */
export function ReportsPage() {
  const { t } = useI18n();
  return (
    <section className="page" data-testid="reports-page">
      <h2>{t('nav.reports')}</h2>
    </section>
  );
}
