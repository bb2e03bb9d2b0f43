import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nContext, type I18n } from './context.js';
import { formatDate, formatDateTime, formatDuration, formatMoment, formatNumber, formatPercent } from './format.js';
import { LANGS, STRINGS, interpolate, type Lang, type StringKey } from './strings.js';

const STORAGE_KEY = 'pasokh:console:lang';

function initialLang(): Lang {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored && (LANGS as readonly string[]).includes(stored)) return stored as Lang;
  } catch {
    // Storage can be blocked (privacy mode); fall through to the browser language.
  }
  return navigator.language.toLowerCase().startsWith('fa') ? 'fa' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
  }, []);

  useEffect(() => {
    const root = document.documentElement;
    root.lang = lang;
    root.dir = lang === 'fa' ? 'rtl' : 'ltr';
    document.title = STRINGS[lang]['app.title'];
  }, [lang]);

  const value = useMemo<I18n>(() => {
    const table = STRINGS[lang];
    return {
      lang,
      setLang,
      t: (key: StringKey, params?: Record<string, string | number>) => {
        if (!params) return table[key];
        const written: Record<string, string> = {};
        for (const [name, v] of Object.entries(params)) {
          written[name] = typeof v === 'number' ? formatNumber(lang, v) : v;
        }
        return interpolate(table[key], written);
      },
      dateTime: (v) => formatDateTime(lang, v),
      date: (v) => formatDate(lang, v),
      moment: (v) => formatMoment(lang, v),
      number: (v) => formatNumber(lang, v),
      percent: (v) => formatPercent(lang, v),
      duration: (v) => formatDuration(lang, v),
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
