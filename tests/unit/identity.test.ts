import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashVisitorToken, normalizeEmail, normalizeForMatch, normalizePhone } from '../../src/domain/identity.js';

describe('normalizeEmail', () => {
  it('lower-cases and trims, so one customer is one identity however they type it', () => {
    expect(normalizeEmail('Reza@Example.COM')).toBe('reza@example.com');
    expect(normalizeEmail('  reza@example.com \n')).toBe('reza@example.com');
    expect(normalizeEmail('REZA@EXAMPLE.COM')).toBe(normalizeEmail('reza@example.com'));
  });

  it('strips angle brackets around a bare address', () => {
    expect(normalizeEmail('<Reza@Example.com>')).toBe('reza@example.com');
    expect(normalizeEmail(' <sara.m+orders@shop.example.ir> ')).toBe('sara.m+orders@shop.example.ir');
  });

  it.each(['', '   ', 'not an email', 'reza', 'reza@', '@example.com', 'reza@localhost', 'a b@example.com', 'reza@@example.com', '<>', 'reza@exa mple.com'])(
    'rejects %j',
    (garbage) => {
      expect(normalizeEmail(garbage)).toBeNull();
    },
  );
});

describe('normalizePhone', () => {
  it('turns an Iranian mobile typed in Persian digits into E.164', () => {
    expect(normalizePhone('۰۹۱۲۳۴۵۶۷۸۹')).toBe('+989123456789');
  });

  it('accepts Arabic-Indic digits and the usual Iranian spellings of the same number', () => {
    for (const typed of ['٠٩١٢٣٤٥٦٧٨٩', '09123456789', '+98 912 345 6789', '00989123456789', '0912-345-6789', ' +۹۸۹۱۲۳۴۵۶۷۸۹ ']) {
      expect(normalizePhone(typed), typed).toBe('+989123456789');
    }
  });

  it('keeps numbers of other countries when given with their + prefix', () => {
    expect(normalizePhone('+1 201 555 0123')).toBe('+12015550123');
    expect(normalizePhone('+1 (201) 555-0123')).toBe('+12015550123');
  });

  it('honours another default country for national numbers', () => {
    expect(normalizePhone('(201) 555-0123', 'US')).toBe('+12015550123');
  });

  it.each(['', 'hello', '12345', '0912', '+98 912', '+1 000 000 0000', '۰۹۱۲'])('rejects %j', (invalid) => {
    expect(normalizePhone(invalid)).toBeNull();
  });
});

describe('normalizeForMatch', () => {
  it('maps Arabic yeh and kaf to their Persian letters', () => {
    expect(normalizeForMatch('علي')).toBe('علی');
    expect(normalizeForMatch('كتاب')).toBe('کتاب');
    // A name typed on an Arabic keyboard matches the same name typed on a Persian one.
    expect(normalizeForMatch('كريمي')).toBe(normalizeForMatch('کریمی'));
  });

  it('maps Persian and Arabic-Indic digits to ASCII (order numbers typed by agents)', () => {
    expect(normalizeForMatch('سفارش ۱۲۳۴۵۶۷۸۹۰')).toBe('سفارش 1234567890');
    expect(normalizeForMatch('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(normalizeForMatch('۴۲')).toBe(normalizeForMatch('٤٢'));
    expect(normalizeForMatch('۴۲')).toBe('42');
  });

  it('turns the zero-width non-joiner into a space', () => {
    expect(normalizeForMatch('می\u200cخواهم')).toBe('می خواهم');
    expect(normalizeForMatch('می\u200cخواهم')).toBe(normalizeForMatch('می خواهم'));
  });

  it('folds case and collapses and trims white space', () => {
    expect(normalizeForMatch('  Reza   KARIMI\t\n')).toBe('reza karimi');
    expect(normalizeForMatch('\u200cعلی\u200c')).toBe('علی');
  });

  it('maps Arabic letters that arrive as presentation forms too (text copied from PDFs and legacy systems)', () => {
    // U+FECB U+FEE0 U+FEF2 render as علي; NFKC folds them to U+0639 U+0644 U+064A (Arabic yeh),
    // which must then become Persian yeh like any other Arabic yeh.
    expect(normalizeForMatch('\ufecb\ufee0\ufef2')).toBe(normalizeForMatch('علی'));
    // U+FED9 is an isolated Arabic kaf.
    expect(normalizeForMatch('\ufed9')).toBe('ک');
  });

  it('leaves text that is already normalised unchanged', () => {
    for (const s of ['علی کریمی', 'order 42', 'سفارش 123']) expect(normalizeForMatch(s)).toBe(s);
  });
});

describe('hashVisitorToken', () => {
  it('is a deterministic 64-digit lower-case hex SHA-256 of the token', () => {
    const token = 'dGhpcyBpcyBhIHZpc2l0b3IgdG9rZW4gZm9yIHRlc3Rz';
    const h = hashVisitorToken(token);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashVisitorToken(token)).toBe(h);
    expect(h).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('differs for different tokens and does not contain the token', () => {
    const a = hashVisitorToken('A'.repeat(43));
    const b = hashVisitorToken('A'.repeat(42) + 'B');
    expect(a).not.toBe(b);
    expect(a).not.toContain('AAAA');
  });
});
