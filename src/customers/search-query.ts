// What an agent typed into the customer search, read every way it may be meant.
// Pure: the SQL in search.ts only consumes these terms.
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { normalizeDigits, normalizeEmail, normalizeForMatch, normalizePhone } from '../domain/identity.js';

export interface SearchTerms {
  /** Folded text (ي/ك → ی/ک, digits → ASCII, case folded) for names and addresses; '' lists everyone. */
  text: string;
  /** A whole email address, when the query is one. */
  email: string | null;
  /** E.164, when the query is a whole valid phone number in any usual spelling. */
  phone: string | null;
  /**
   * Digits to find inside stored E.164 numbers when the query looks like part of
   * a phone number ("0912 123" → "912123": the trunk 0 or the international 00
   * is not in E.164). Null when the query is not phone-like or too short.
   */
  phoneDigits: string | null;
  /** The query's digits, for an exact account-number match; null when it has none. */
  digits: string | null;
}

const PHONE_LIKE = /^\+?[\d\s\-().]+$/;

/** The configured region when libphonenumber knows it, else Iran (the project's home default). */
export function phoneRegion(configured: string): CountryCode {
  return isSupportedCountry(configured) ? configured : 'IR';
}

export function parseSearchQuery(raw: string, region: CountryCode): SearchTerms {
  const text = normalizeForMatch(raw);
  const ascii = normalizeDigits(raw.normalize('NFKC')).trim();
  const allDigits = ascii.replace(/\D/g, '');
  const phoneLike = PHONE_LIKE.test(ascii) && allDigits.length > 0;
  let phoneDigits: string | null = null;
  if (phoneLike) {
    const national = ascii.startsWith('+') ? allDigits : allDigits.replace(/^00/, '').replace(/^0/, '');
    phoneDigits = national.length >= 3 ? national : null;
  }
  return {
    text,
    email: normalizeEmail(text),
    phone: phoneLike ? normalizePhone(ascii, region) : null,
    phoneDigits,
    digits: allDigits.length > 0 && phoneLike ? allDigits : null,
  };
}
