import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

// Persian text arrives with Arabic yeh/kaf and with Persian or Arabic-Indic
// digits. These helpers normalise for matching only, never for display.
const DIGITS: Record<string, string> = {};
for (let i = 0; i < 10; i += 1) {
  DIGITS[String.fromCharCode(0x06f0 + i)] = String(i); // Persian ۰-۹
  DIGITS[String.fromCharCode(0x0660 + i)] = String(i); // Arabic-Indic ٠-٩
}

export function normalizeDigits(input: string): string {
  return input.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (d) => DIGITS[d] ?? d);
}

/** For search and matching: Arabic ي/ك to Persian ی/ک, digits to ASCII, zero-width non-joiner to space, case folded. */
export function normalizeForMatch(input: string): string {
  // NFKC first: it folds presentation forms (PDFs, legacy systems) back to ي/ك, which are then mapped.
  return normalizeDigits(input.normalize('NFKC'))
    .replace(/\u064a/g, '\u06cc')
    .replace(/\u0643/g, '\u06a9')
    .replace(/\u200c/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lower-cased bare address; null when it is not an address. The display name is kept apart by the caller. */
export function normalizeEmail(input: string): string | null {
  const trimmed = input.trim().toLowerCase();
  const m = /^<?([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>?$/.exec(trimmed);
  return m ? m[1]! : null;
}

/** E.164 (+989121234567) or null. Persian digits typed by agents are accepted. */
export function normalizePhone(input: string, defaultCountry: CountryCode = 'IR'): string | null {
  const parsed = parsePhoneNumberFromString(normalizeDigits(input).trim(), defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
}

/** Visitor tokens are bearer secrets: only their hash is stored. */
export function hashVisitorToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
