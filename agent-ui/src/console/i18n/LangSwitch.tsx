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
      // Named by what it shows (the other language, spoken in that language), so
      // voice control users can say what they see; "Language" is the description.
      title={t('lang.label')}
      onClick={() => {
        setLang(next);
        if (signedIn) saveLanguage(next);
      }}
    >
      <span lang={next}>{t('lang.other')}</span>
    </button>
  );
}
