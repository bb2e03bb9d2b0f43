import { saveLanguage } from '../realtime/languagePreference.js';
import { useI18n } from './context.js';

/**
 * One button that toggles between English and Persian; its label is the other
 * language. Signed in, the choice is also stored on the hub for the user.
 */
export function LangSwitch({ signedIn = false }: { signedIn?: boolean }) {
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
      onClick={() => {
        setLang(next);
        if (signedIn) saveLanguage(next);
      }}
    >
      {t('lang.other')}
    </button>
  );
}
