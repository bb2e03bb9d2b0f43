import { useI18n } from '../i18n/context.js';

/** Placeholder until the screen lands. */
export function CampaignsPage() {
  const { t } = useI18n();
  return (
    <section className="page" data-testid="campaigns-page">
      <h2>{t('nav.campaigns')}</h2>
    </section>
  );
}
