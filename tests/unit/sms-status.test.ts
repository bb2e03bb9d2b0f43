import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryStatusOf, statusChange, twilioRank } from '../../src/channels/sms/status.js';
import type { DeliveryStatus } from '../../src/contracts/index.js';

const TWILIO = ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'canceled', 'read'];

/** Applies callbacks in order, as the hub does: Twilio's own rank only rises, the timeline only moves forward. */
function run(statuses: string[], start: DeliveryStatus = 'sent'): DeliveryStatus {
  let current = start;
  let best = -1;
  for (const s of statuses) {
    const r = twilioRank(s);
    if (r === null || r <= best) continue;
    best = r;
    const change = statusChange(current, s);
    if (change) current = change.status;
  }
  return current;
}

describe('Twilio status → timeline status', () => {
  it('moves sent → delivered and sent → failed with a reason from the error code', () => {
    expect(statusChange('sent', 'delivered')).toEqual({ status: 'delivered', reason: null });
    expect(statusChange('sent', 'undelivered', 30003)).toEqual({ status: 'failed', reason: 'undelivered (Twilio error 30003: the handset is unreachable)' });
    expect(statusChange('sent', 'failed', 12345)).toEqual({ status: 'failed', reason: 'failed (Twilio error 12345)' });
    expect(statusChange('sent', 'failed')).toEqual({ status: 'failed', reason: 'failed' });
  });

  it('never moves backwards: a late "sent" after delivered keeps delivered', () => {
    expect(statusChange('delivered', 'sent')).toBeNull();
    expect(statusChange('delivered', 'queued')).toBeNull();
    expect(statusChange('delivered', 'failed')).toBeNull();
    expect(statusChange('failed', 'delivered')).toBeNull();
    expect(statusChange('sent', 'sent')).toBeNull();
    expect(statusChange('sent', 'sending')).toBeNull();
  });

  it('leaves a message alone until the outbox has recorded the send, and never touches inbound ones', () => {
    expect(statusChange('queued', 'delivered')).toBeNull();
    expect(statusChange('received', 'delivered')).toBeNull();
  });

  it('ignores statuses it does not know', () => {
    expect(twilioRank('teleported')).toBeNull();
    expect(deliveryStatusOf('teleported')).toBeNull();
    expect(statusChange('sent', 'teleported')).toBeNull();
    expect(twilioRank('DELIVERED')).toBe(twilioRank('delivered'));
  });

  it('property: replaying callbacks changes nothing, and a final state stays final whatever follows', () => {
    const callbacks = fc.array(fc.constantFrom(...TWILIO, 'bogus'), { maxLength: 12 });
    fc.assert(
      fc.property(callbacks, callbacks, (a, b) => {
        const final = run(a);
        expect(run([...a, ...a])).toBe(final);
        if (final !== 'sent') expect(run([...a, ...b])).toBe(final);
        // Only the final states move a sent message.
        if (!a.some((s) => ['delivered', 'read', 'undelivered', 'failed', 'canceled'].includes(s))) expect(final).toBe('sent');
      }),
    );
  });

  it('delivered then a late sent stays delivered; sent then undelivered fails', () => {
    expect(run(['queued', 'sent', 'delivered', 'sent'])).toBe('delivered');
    expect(run(['delivered', 'sending', 'queued'])).toBe('delivered');
    expect(run(['sent', 'undelivered'])).toBe('failed');
  });

  it('property: the timeline rank never decreases', () => {
    const rank: Record<DeliveryStatus, number> = { received: -1, queued: 0, sent: 1, delivered: 2, failed: 2 };
    fc.assert(
      fc.property(fc.constantFrom<DeliveryStatus>('sent', 'delivered', 'failed'), fc.constantFrom(...TWILIO), fc.option(fc.integer({ min: 0, max: 99999 }), { nil: null }), (current, s, code) => {
        const change = statusChange(current, s, code);
        if (change) expect(rank[change.status]).toBeGreaterThan(rank[current]);
      }),
    );
  });
});
