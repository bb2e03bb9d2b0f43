import { createContext, useContext } from 'react';
import type { Lang, StringKey } from './strings.js';

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** Translate a key; number parameters are written with the language's digits. */
  t: (key: StringKey, params?: Record<string, string | number>) => string;
  dateTime: (value: string | Date) => string;
  date: (value: string | Date) => string;
  /** Short form for lists: time today, date and time before. */
  moment: (value: string | Date) => string;
  number: (value: number) => string;
  /** A fraction as a percentage: 0.8 → 80%. */
  percent: (fraction: number) => string;
  /** Seconds as m:ss or h:mm:ss. */
  duration: (seconds: number) => string;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}
