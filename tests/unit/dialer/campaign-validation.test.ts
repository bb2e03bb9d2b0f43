// Campaign settings as a supervisor types them: what the rule sets refuse, and which field the refusal names.
import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/api/validate.js';
import { AppError } from '../../../src/errors.js';
import { campaignSchema, type CampaignInput } from '../../../src/dialer/campaigns/validation.js';

const base: CampaignInput = {
  name: 'Renewals',
  ruleSet: 'US',
  mode: 'predictive',
  callerId: '+12025550100',
  queueId: '00000000-0000-4000-8000-000000000001',
  message: { text: 'This is Pasokh Insurance, call us back on 202 555 0100. Press 9 to stop our calls.', language: 'en' },
};

/** The field paths a 400 names, as the console receives them. */
function refusal(input: unknown): string[] {
  try {
    parse(campaignSchema, input);
  } catch (err) {
    if (err instanceof AppError && err.status === 400) return (err.details as { path: string }[]).map((d) => d.path);
    throw err;
  }
  throw new Error('accepted');
}

describe('campaign validation', () => {
  it('accepts a minimal campaign and fills the defaults (pasokh pacing, 3 %, 09:00–20:00, ring 25 s)', () => {
    const c = campaignSchema.parse(base);
    expect(c).toMatchObject({ pacing: 'pasokh', abandonTarget: 0.03, callingWindow: { start: '09:00', end: '20:00' }, ringSeconds: 25, maxAttempts: 3, machine: { action: 'hangup' } });
  });

  it('an empty calling window is refused at callingWindow.end', () => {
    expect(refusal({ ...base, callingWindow: { start: '14:00', end: '14:00' } })).toEqual(['body.callingWindow.end']);
    expect(refusal({ ...base, callingWindow: { start: '18:00', end: '10:00' } })).toEqual(['body.callingWindow.end']);
  });

  it('a window outside the rule set’s 08:00–21:00 names the end that is out', () => {
    expect(refusal({ ...base, callingWindow: { start: '07:30', end: '20:00' } })).toEqual(['body.callingWindow.start']);
    expect(refusal({ ...base, ruleSet: 'UK', callingWindow: { start: '09:00', end: '21:30' } })).toEqual(['body.callingWindow.end']);
    expect(campaignSchema.safeParse({ ...base, callingWindow: { start: '08:00', end: '21:00', days: ['mon', 'tue'] } }).success).toBe(true);
    expect(refusal({ ...base, callingWindow: { start: '9', end: '20:00' } })).toEqual(['body.callingWindow.start']);
  });

  it('both rule sets need a message: none → refused at `message`', () => {
    expect(refusal({ ...base, message: { language: 'en' } })).toEqual(['body.message']);
    expect(refusal({ ...base, ruleSet: 'UK', message: { language: 'fa' } })).toEqual(['body.message']);
    expect(campaignSchema.safeParse({ ...base, message: { audioUrl: 'https://cdn.example.com/safe-harbour.mp3', language: 'en' } }).success).toBe(true);
  });

  it('dropping a message on machines needs something to play', () => {
    expect(refusal({ ...base, machine: { action: 'drop' } })).toEqual(['body.machine']);
    expect(campaignSchema.safeParse({ ...base, machine: { action: 'drop', text: 'Please call us back.' } }).success).toBe(true);
  });

  it('UK: retry after a machine under 24 h and after an abandoned call under 72 h are refused, naming the gap', () => {
    const uk = { ...base, ruleSet: 'UK' as const };
    expect(refusal({ ...uk, retry: { machine: { gapMinutes: 23 * 60, maxAttempts: 2 } } })).toEqual(['body.retry.machine.gapMinutes']);
    expect(refusal({ ...uk, retry: { abandoned: { gapMinutes: 71 * 60, maxAttempts: 1 } } })).toEqual(['body.retry.abandoned.gapMinutes']);
    expect(campaignSchema.safeParse({ ...uk, retry: { machine: { gapMinutes: 24 * 60, maxAttempts: 2 }, abandoned: { gapMinutes: 72 * 60, maxAttempts: 1 } } }).success).toBe(true);
    // The US has no statutory gap.
    expect(campaignSchema.safeParse({ ...base, retry: { machine: { gapMinutes: 30, maxAttempts: 2 } } }).success).toBe(true);
  });

  it('ring at least 15 s; abandon target above 0 and at most 3 %; E.164 caller id; known pacing policy', () => {
    expect(refusal({ ...base, ringSeconds: 12 })).toEqual(['body.ringSeconds']);
    expect(refusal({ ...base, abandonTarget: 0.05 })).toEqual(['body.abandonTarget']);
    expect(refusal({ ...base, abandonTarget: 0 })).toEqual(['body.abandonTarget']);
    expect(refusal({ ...base, callerId: '202-555-0100' })).toEqual(['body.callerId']);
    expect(refusal({ ...base, pacing: 'yolo' })).toEqual(['body.pacing']);
    expect(refusal({ ...base, mode: 'robocall' })).toEqual(['body.mode']);
    expect(refusal({ ...base, surprise: 1 })).toEqual(['body']);
  });
});
