// Twilio Voice SDK errors, sorted into what the agent is told (pure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDeviceError } from '../src/console/voice/device.js';

describe('classifyDeviceError', () => {
  it('names microphone, token and network problems by their SDK codes', () => {
    expect(classifyDeviceError({ code: 31401, message: 'Permission denied' })).toEqual({ kind: 'mic', code: 31401, detail: 'Permission denied' });
    expect(classifyDeviceError({ name: 'NotAllowedError' }).kind).toBe('mic');
    expect(classifyDeviceError({ code: 20104, message: 'expired' }).kind).toBe('token');
    expect(classifyDeviceError({ code: 31205 }).kind).toBe('token');
    expect(classifyDeviceError({ code: 53001 }).kind).toBe('network');
    expect(classifyDeviceError({ code: 31009 }).kind).toBe('network');
  });

  it('anything else is "other", and the SDK words are always kept for the detail line', () => {
    const known = new Set([31401, 31402, 31208, 20101, 20104, 20151, 31202, 31204, 31205, 31207, 31003, 31005, 31009, 53000, 53001, 53405]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }).filter((c) => !known.has(c)), fc.string(), (code, message) => {
        const e = classifyDeviceError({ code, message });
        expect(e).toEqual({ kind: 'other', code, detail: message });
      }),
    );
  });
});
