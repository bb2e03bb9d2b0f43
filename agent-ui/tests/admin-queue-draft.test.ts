import { describe, expect, it } from 'vitest';
import type { QueueRow } from '../src/console/api/endpoints.js';
import { bodyOf, changedFields, draftOf, newStep } from '../src/console/admin/queueDraft.js';
import { STRINGS, interpolate, type StringKey } from '../src/console/i18n/strings.js';

const t = (key: StringKey, params?: Record<string, string | number>) => interpolate(STRINGS.en[key], params);

const queue: QueueRow = {
  id: 'q1',
  isDefault: false,
  name: 'Sales',
  channel: 'sms',
  requirement: { skill: 'sales', minLevel: 3 },
  priority: 5,
  serviceLevel: { targetFraction: 0.955, thresholdSeconds: 30 },
  strategy: 'most-proficient',
  escalation: [{ afterSeconds: 60, lowerMinLevelBy: 1 }, { afterSeconds: 120, overflowToQueueId: 'q2' }],
  predictiveEscalation: false,
  agingPerMinute: 1.5,
  stickyWaitSeconds: 10,
  wrapUpSeconds: 15,
};

describe('queue form draft', () => {
  it('a new queue starts from the hub defaults and saves as-is', () => {
    const d = draftOf();
    expect(d).toMatchObject({ slTargetPercent: '80', slThresholdSeconds: '20', strategy: 'longest-idle', priority: '0', requirement: '' });
    const { body, errors } = bodyOf({ ...d, name: '  Support  ' }, t);
    expect(errors).toBeNull();
    expect(body).toMatchObject({ name: 'Support', requirement: null, serviceLevel: { targetFraction: 0.8, thresholdSeconds: 20 }, escalation: [] });
  });

  it('an existing queue shows its service level as a clean percentage and round-trips unchanged', () => {
    const d = draftOf(queue);
    expect(d.slTargetPercent).toBe('95.5');
    const { body, errors } = bodyOf(d, t);
    expect(errors).toBeNull();
    expect(body.serviceLevel.targetFraction).toBe(0.955);
    // Saving without edits sends nothing to change.
    expect(changedFields(body, queue)).toEqual({});
  });

  it('only what the admin edited goes into the patch', () => {
    const d = { ...draftOf(queue), wrapUpSeconds: '۳۰', slTargetPercent: '90' };
    const { body } = bodyOf(d, t);
    expect(changedFields(body, queue)).toEqual({ wrapUpSeconds: 30, serviceLevel: { targetFraction: 0.9, thresholdSeconds: 30 } });
  });

  it('names every field that is wrong, with the hub’s paths, in words the admin reads', () => {
    const step = { ...newStep(), afterSeconds: '', lowerMinLevelBy: '12', alsoAccept: '{"skill":' };
    const d = { ...draftOf(), name: '', slTargetPercent: '0', slThresholdSeconds: '2.5', priority: '500', requirement: '{oops', escalation: [step] };
    const { errors } = bodyOf(d, t);
    expect(errors).toEqual({
      name: ['Required.'],
      'serviceLevel.targetFraction': ['A percentage above 0, at most 100.'],
      'escalation.0.afterSeconds': ['Required.'],
      'escalation.0.lowerMinLevelBy': ['A whole number from 1 to 9.'],
      'escalation.0.alsoAccept': ['Not valid JSON: check the quotes, commas and brackets.'],
      requirement: ['Not valid JSON: check the quotes, commas and brackets.'],
      priority: ['A whole number from -100 to 100.'],
      'serviceLevel.thresholdSeconds': ['A whole number from 1 to 86400.'],
    });
  });

  it('a name over 80 characters is refused', () => {
    expect(bodyOf({ ...draftOf(), name: 'x'.repeat(81) }, t).errors).toEqual({ name: ['At most 80 characters.'] });
  });

  it('escalation steps keep only what was filled in, and each step has its own key for the list', () => {
    const a = newStep();
    const b = newStep();
    expect(a.key).not.toBe(b.key);
    const d = { ...draftOf(), name: 'Q', escalation: [{ ...a, afterSeconds: '30', alsoAccept: '{"skill":"en","minLevel":1}' }, { ...b, afterSeconds: '90', overflowToQueueId: 'q9' }] };
    expect(bodyOf(d, t).body.escalation).toEqual([{ afterSeconds: 30, alsoAccept: { skill: 'en', minLevel: 1 } }, { afterSeconds: 90, overflowToQueueId: 'q9' }]);
  });
});
