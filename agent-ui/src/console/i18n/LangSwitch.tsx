import { useI18n } from './context.js';

/** One button that toggles between English and Persian; its label is the other language. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const next = lang === 'fa' ? 'en' : 'fa';
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      data-lang={lang}
      aria-label={t('lang.label')}
      title={t('lang.label')}
      lang={next}
      onClick={() => setLang(next)}
    >
      {t('lang.other')}
    </button>
  );
}
