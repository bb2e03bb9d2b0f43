import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../src/domain/sms-segments.js';

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '\f^{}\\[~]|€';
const gsmChar = fc.constantFrom(...GSM_BASIC, ...GSM_EXT);
const gsmText = fc.array(gsmChar, { maxLength: 700 }).map((cs) => cs.join(''));
const anyText = fc.string({ unit: 'binary', maxLength: 500 });
const persian = 'سلام، سفارش شما ارسال شد. پیگیری: ۱۲۳۴۵';

describe('smsSegments', () => {
  it('GSM-7: 160 characters fit one message, 161 take two parts of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, length: 160 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, charactersPerSegment: 153, length: 161 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('extension-table characters count two and are never split across parts', () => {
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, length: 160 });
    expect(smsSegments('€'.repeat(81))).toMatchObject({ encoding: 'GSM-7', segments: 2, length: 162 });
    // 152 septets then an escape pair: the pair does not fit in 153, so it starts part two.
    expect(smsSegments('a'.repeat(152) + '{' + 'b'.repeat(152))).toMatchObject({ segments: 3, length: 306 });
    expect(smsSegments('a'.repeat(151) + '{' + 'b'.repeat(153))).toMatchObject({ segments: 2, length: 306 });
  });

  it('UCS-2: Persian, 70 per message, 67 per part, in UTF-16 code units', () => {
    expect(smsSegments(persian)).toMatchObject({ encoding: 'UCS-2', segments: 1, charactersPerSegment: 70, length: persian.length });
    expect(smsSegments('س'.repeat(70)).segments).toBe(1);
    expect(smsSegments('س'.repeat(71))).toMatchObject({ segments: 2, charactersPerSegment: 67 });
    expect(smsSegments('س'.repeat(134)).segments).toBe(2);
    expect(smsSegments('س'.repeat(135)).segments).toBe(3);
  });

  it('one character outside GSM-7 makes the whole message UCS-2', () => {
    expect(smsSegments('Hello ' + 'x'.repeat(100)).encoding).toBe('GSM-7');
    expect(smsSegments('Hello ' + 'x'.repeat(100) + ' ✓')).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(smsSegments('ç').encoding).toBe('UCS-2'); // only the capital Ç is in the GSM basic set
  });

  it('emoji are two code units and a surrogate pair is never split', () => {
    expect(smsSegments('😀'.repeat(35))).toMatchObject({ encoding: 'UCS-2', segments: 1, length: 70 });
    expect(smsSegments('x' + '😀'.repeat(35))).toMatchObject({ segments: 2, length: 71 });
    // 66 units then a pair: the pair goes to part two.
    expect(smsSegments('ش'.repeat(66) + '😀' + 'ش'.repeat(66))).toMatchObject({ segments: 3, length: 134 });
  });

  it('an empty body still costs one segment', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, length: 0 });
  });

  it('property: at least one segment, and never more parts than the length needs', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const r = smsSegments(s);
        expect(r.segments).toBeGreaterThanOrEqual(1);
        const single = r.encoding === 'GSM-7' ? 160 : 70;
        if (r.length <= single) expect(r.segments).toBe(1);
        else expect(r.segments).toBeGreaterThanOrEqual(Math.ceil(r.length / r.charactersPerSegment));
        // A part loses at most one unit to an unsplittable pair.
        if (r.length > single) expect(r.segments).toBeLessThanOrEqual(Math.ceil(r.length / (r.charactersPerSegment - 1)));
      }),
    );
  });

  it('property: appending text never lowers the segment count (monotone in length)', () => {
    fc.assert(
      fc.property(fc.oneof(gsmText, anyText), fc.oneof(gsmText, anyText), (a, b) => {
        expect(smsSegments(a + b).segments).toBeGreaterThanOrEqual(smsSegments(a).segments);
      }),
    );
  });

  it('property: GSM-7 exactly when every character is in the GSM alphabet', () => {
    fc.assert(
      fc.property(gsmText, (s) => {
        expect(smsSegments(s).encoding).toBe('GSM-7');
        expect(smsSegments(s).length).toBe([...s].reduce((n, c) => n + (GSM_EXT.includes(c) ? 2 : 1), 0));
      }),
    );
    fc.assert(
      fc.property(gsmText, gsmText, fc.constantFrom('س', 'ی', '😀', '✓', 'ç', '中'), (a, b, foreign) => {
        const r = smsSegments(a + foreign + b);
        expect(r.encoding).toBe('UCS-2');
        expect(r.length).toBe((a + foreign + b).length);
      }),
    );
  });
});
