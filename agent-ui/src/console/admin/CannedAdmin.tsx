import { useI18n } from '../i18n/context.js';

/** Placeholder until the screen lands. */
export function CannedAdmin() {
  const { t } = useI18n();
  return (
    <section className="page" data-testid="canned-page">
      <h2>{t('admin.canned')}</h2>
    </section>
  );
}
