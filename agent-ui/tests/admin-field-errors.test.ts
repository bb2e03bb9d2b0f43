import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR } from '../src/console/api/http.js';
import { asciiDigits, errorsAt, fieldPath, fromFailure, parseNumber, unclaimed } from '../src/console/admin/fieldErrors.js';

describe('admin form errors from the hub', () => {
  it('a 400 with details lands on the fields the admin typed in, under the form’s own keys', () => {
    const err = new ApiError(400, 'invalid_request', 'body.serviceLevel.thresholdSeconds: too big', [
      { path: 'body.serviceLevel.thresholdSeconds', message: 'must be at most 86400' },
      { path: 'body.skills[2].level', message: 'must be 1 to 10' },
      { path: 'body.skills[2].level', message: 'must be a whole number' },
    ]);
    const { fields, general } = fromFailure(err);
    expect(general).toBeNull();
    expect(fields).toEqual({
      'serviceLevel.thresholdSeconds': ['must be at most 86400'],
      'skills.2.level': ['must be 1 to 10', 'must be a whole number'],
    });
  });

  it('a detail-less refusal goes to the field its code names (a taken queue name shows under Name)', () => {
    const err = new ApiError(409, 'name_taken', 'a queue with that name exists');
    expect(fromFailure(err, { name_taken: 'name' })).toEqual({ fields: { name: ['a queue with that name exists'] }, general: null });
  });

  it('anything else stays for the banner, untouched', () => {
    const down = new ApiError(0, NETWORK_ERROR, '');
    expect(fromFailure(down, { name_taken: 'name' })).toEqual({ fields: {}, general: down });
    const boom = new Error('boom');
    expect(fromFailure(boom).general).toBe(boom);
  });

  it('paths: body prefix dropped, list indexes as segments', () => {
    expect(fieldPath('body.requirement.all[1].skill')).toBe('requirement.all.1.skill');
    expect(fieldPath('body')).toBe('');
    expect(fieldPath('name')).toBe('name');
  });

  it('a field sees its own errors, and with nested also those inside it; the rest are listed as unclaimed', () => {
    const errors = { requirement: ['bad'], 'requirement.all.1.skill': ['unknown skill'], 'requirementX': ['other field'], 'mystery.path': ['??'] };
    expect(errorsAt(errors, 'requirement')).toEqual([{ sub: '', message: 'bad' }]);
    expect(errorsAt(errors, 'requirement', true)).toEqual([
      { sub: '', message: 'bad' },
      { sub: 'all.1.skill', message: 'unknown skill' },
    ]);
    expect(unclaimed(errors, [{ path: 'requirement', nested: true }, { path: 'requirementX' }])).toEqual([{ path: 'mystery.path', message: '??' }]);
  });
});

describe('numbers typed in Persian or Arabic digits', () => {
  it('reads ۲۰, ٢٠ and ۱٫۵ like 20, 20 and 1.5', () => {
    expect(asciiDigits('۲۰')).toBe('20');
    expect(parseNumber('۲۰')).toBe(20);
    expect(parseNumber('٢٠')).toBe(20);
    expect(parseNumber('۱٫۵')).toBe(1.5);
    expect(parseNumber('−۳')).toBe(-3);
    expect(parseNumber(' 42 ')).toBe(42);
  });

  it('refuses what is not a plain number', () => {
    for (const text of ['', 'abc', '1e3', '12px', '1.2.3', '--1', 'Infinity']) expect(parseNumber(text), text).toBeNull();
  });
});
