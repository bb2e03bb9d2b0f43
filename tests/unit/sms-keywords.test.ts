import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, parseOptKeyword } from '../../src/channels/sms/keywords.js';

describe('parseOptKeyword', () => {
  it('recognises every opt-out and opt-in keyword', () => {
    for (const k of OPT_OUT_KEYWORDS) expect(parseOptKeyword(k)).toEqual({ action: 'opt-out', keyword: k });
    for (const k of OPT_IN_KEYWORDS) expect(parseOptKeyword(k)).toEqual({ action: 'opt-in', keyword: k });
    expect(OPT_OUT_KEYWORDS).toEqual(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'REVOKE', 'OPTOUT', 'QUIT']);
    expect(OPT_IN_KEYWORDS).toEqual(['START', 'UNSTOP', 'YES']);
  });

  it('ignores letter case and surrounding whitespace', () => {
    expect(parseOptKeyword('  stop \n')).toEqual({ action: 'opt-out', keyword: 'STOP' });
    expect(parseOptKeyword('Unsubscribe')).toEqual({ action: 'opt-out', keyword: 'UNSUBSCRIBE' });
    expect(parseOptKeyword('\tStArT')).toEqual({ action: 'opt-in', keyword: 'START' });
    expect(parseOptKeyword('ＳＴＯＰ')).toEqual({ action: 'opt-out', keyword: 'STOP' });
  });

  it('only the whole message counts', () => {
    for (const body of ['please stop', 'STOP!', 'stop it', 'STOP STOP', 'yes please', 'end of story', '', 'توقف', 'S T O P']) {
      expect(parseOptKeyword(body)).toBeNull();
    }
  });

  it('property: a keyword with any letter case and whitespace around it is recognised; with other text it is not', () => {
    const keyword = fc.constantFrom(...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS);
    const cased = keyword.chain((k) => fc.array(fc.boolean(), { minLength: k.length, maxLength: k.length }).map((up) => [...k].map((c, i) => (up[i] ? c : c.toLowerCase())).join('')));
    const space = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0'), { maxLength: 3 }).map((a) => a.join(''));
    fc.assert(
      fc.property(cased, space, space, (k, before, after) => {
        expect(parseOptKeyword(before + k + after)?.keyword).toBe(k.toUpperCase());
      }),
    );
    fc.assert(
      fc.property(cased, fc.stringMatching(/^[a-z0-9]{1,5}$/), (k, extra) => {
        expect(parseOptKeyword(`${k} ${extra}`)).toBeNull();
      }),
    );
  });
});
