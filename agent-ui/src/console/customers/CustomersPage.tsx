import { useI18n } from '../i18n/context.js';

/** Placeholder until the screen lands. */
export function CustomersPage() {
  const { t } = useI18n();
  return (
    <section className="page" data-testid="customers-page">
      <h2>{t('nav.customers')}</h2>
    </section>
  );
}
