import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery, phoneRegion } from '../../../src/customers/search-query.js';

const IR = phoneRegion('IR');
const toPersian = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
const toArabicIndic = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));

describe('parseSearchQuery', () => {
  it.each(['0912 123 4567', '09121234567', '+98 912 123 4567', '+989121234567', '0098 912 123 4567', '(0912) 123-4567', '۰۹۱۲ ۱۲۳ ۴۵۶۷', '٠٩١٢١٢٣٤٥٦٧'])(
    'reads %j as the phone +989121234567',
    (typed) => {
      expect(parseSearchQuery(typed, IR).phone).toBe('+989121234567');
    },
  );

  it('turns part of a number into the digits found inside E.164 (no trunk 0, no 00)', () => {
    expect(parseSearchQuery('0912 123', IR)).toMatchObject({ phone: null, phoneDigits: '912123' });
    expect(parseSearchQuery('۰۹۱۲۱۲۳', IR).phoneDigits).toBe('912123');
    expect(parseSearchQuery('+98 912', IR).phoneDigits).toBe('98912');
    expect(parseSearchQuery('0098912', IR).phoneDigits).toBe('98912');
    expect(parseSearchQuery('09', IR).phoneDigits).toBeNull();
  });

  it('matches Arabic ي/ك to Persian ی/ک and folds case, for names and addresses', () => {
    expect(parseSearchQuery('علي كريمي', IR).text).toBe('علی کریمی');
    expect(parseSearchQuery('  Sara   AHMADI ', IR).text).toBe('sara ahmadi');
    expect(parseSearchQuery('Sara@Example.COM', IR)).toMatchObject({ text: 'sara@example.com', email: 'sara@example.com', phone: null, phoneDigits: null });
  });

  it('a name is not read as a phone number, and an account number keeps its digits', () => {
    expect(parseSearchQuery('Reza', IR)).toMatchObject({ phone: null, phoneDigits: null, digits: null, email: null });
    expect(parseSearchQuery('۱۲۳۴۵-۶۷', IR).digits).toBe('1234567');
  });

  it('an empty query lists everyone', () => {
    expect(parseSearchQuery('   ', IR)).toEqual({ text: '', email: null, phone: null, phoneDigits: null, digits: null });
  });

  it('uses the configured region for numbers typed without a country code', () => {
    expect(parseSearchQuery('(201) 555-0123', phoneRegion('US')).phone).toBe('+12015550123');
    expect(phoneRegion('ZZ')).toBe('IR');
  });

  it('property: Persian and Arabic-Indic digits read exactly like ASCII digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[+]?[0-9 ()-]{0,16}$/), (typed) => {
        const ascii = parseSearchQuery(typed, IR);
        expect(parseSearchQuery(toPersian(typed), IR)).toEqual(ascii);
        expect(parseSearchQuery(toArabicIndic(typed), IR)).toEqual(ascii);
      }),
    );
  });

  it('property: Arabic yeh/kaf and letter case never change what is searched; folding is idempotent', () => {
    const letters = fc.constantFrom('ی', 'ي', 'ک', 'ك', 'ا', 'ر', 'ز', 'ه', 'a', 'B', 'c', 'D', ' ', '\u200c', '۱', '2');
    fc.assert(
      fc.property(fc.array(letters, { maxLength: 20 }).map((a) => a.join('')), (typed) => {
        const folded = parseSearchQuery(typed, IR).text;
        const arabic = typed.replace(/ی/g, 'ي').replace(/ک/g, 'ك');
        expect(parseSearchQuery(arabic, IR).text).toBe(folded);
        expect(parseSearchQuery(typed.toUpperCase(), IR).text).toBe(folded);
        expect(parseSearchQuery(folded, IR).text).toBe(folded);
        expect(folded).not.toMatch(/[يك\u200c]|[۰-۹]/);
      }),
    );
  });
});
