// The queue form's state (strings, as typed) and its conversion to the hub's
// body. Client checks cover what is obvious — required fields, number ranges,
// JSON syntax — and use the hub's field paths; the shape of a skill expression
// is left to the hub, which names the exact failing path.
import type { Channel } from '../../../../src/contracts/index.js';
import type { QueueBody, QueueRow, Strategy } from '../api/endpoints.js';
import type { I18n } from '../i18n/context.js';
import { ErrorCollector, parseNumber, type FieldErrors } from './fieldErrors.js';

export interface StepDraft {
  key: number;
  afterSeconds: string;
  lowerMinLevelBy: string;
  alsoAccept: string;
  overflowToQueueId: string;
}

export interface QueueDraft {
  name: string;
  channel: Channel;
  requirement: string;
  priority: string;
  slTargetPercent: string;
  slThresholdSeconds: string;
  strategy: Strategy;
  escalation: StepDraft[];
  predictiveEscalation: boolean;
  agingPerMinute: string;
  stickyWaitSeconds: string;
  wrapUpSeconds: string;
}

let nextKey = 1;

export function newStep(): StepDraft {
  return { key: nextKey++, afterSeconds: '', lowerMinLevelBy: '', alsoAccept: '', overflowToQueueId: '' };
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Percent with at most two decimals, without float noise (0.8 → "80", 0.955 → "95.5"). */
const percentText = (fraction: number) => String(Math.round(fraction * 10_000) / 100);

/** A new queue starts from the hub's defaults. */
export function draftOf(queue?: QueueRow): QueueDraft {
  if (!queue) {
    return {
      name: '',
      channel: 'webchat',
      requirement: '',
      priority: '0',
      slTargetPercent: '80',
      slThresholdSeconds: '20',
      strategy: 'longest-idle',
      escalation: [],
      predictiveEscalation: true,
      agingPerMinute: '1',
      stickyWaitSeconds: '0',
      wrapUpSeconds: '0',
    };
  }
  return {
    name: queue.name,
    channel: queue.channel,
    requirement: queue.requirement === null ? '' : json(queue.requirement),
    priority: String(queue.priority),
    slTargetPercent: percentText(queue.serviceLevel.targetFraction),
    slThresholdSeconds: String(queue.serviceLevel.thresholdSeconds),
    strategy: queue.strategy,
    escalation: queue.escalation.map((s) => ({
      key: nextKey++,
      afterSeconds: String(s.afterSeconds),
      lowerMinLevelBy: s.lowerMinLevelBy === undefined ? '' : String(s.lowerMinLevelBy),
      alsoAccept: s.alsoAccept === undefined ? '' : json(s.alsoAccept),
      overflowToQueueId: s.overflowToQueueId ?? '',
    })),
    predictiveEscalation: queue.predictiveEscalation,
    agingPerMinute: String(queue.agingPerMinute),
    stickyWaitSeconds: String(queue.stickyWaitSeconds),
    wrapUpSeconds: String(queue.wrapUpSeconds),
  };
}

type T = I18n['t'];

function number(c: ErrorCollector, t: T, path: string, text: string, min: number, max: number, integer: boolean): number {
  const n = parseNumber(text);
  if (text.trim() === '') c.add(path, t('form.required'));
  else if (n === null || (integer && !Number.isInteger(n)) || n < min || n > max) {
    c.add(path, t(integer ? 'form.integer' : 'form.number', { min, max }));
  }
  return n ?? 0;
}

function expression(c: ErrorCollector, t: T, path: string, text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    c.add(path, t('form.json'));
    return undefined;
  }
}

export function bodyOf(d: QueueDraft, t: T): { body: QueueBody; errors: FieldErrors | null } {
  const c = new ErrorCollector();
  const name = d.name.trim();
  if (!name) c.add('name', t('form.required'));
  else if (name.length > 80) c.add('name', t('form.maxLength', { max: 80 }));
  const percent = parseNumber(d.slTargetPercent);
  if (d.slTargetPercent.trim() === '') c.add('serviceLevel.targetFraction', t('form.required'));
  else if (percent === null || percent <= 0 || percent > 100) c.add('serviceLevel.targetFraction', t('form.percent'));
  const escalation = d.escalation.map((s, i) => {
    const step: Record<string, unknown> = {
      afterSeconds: number(c, t, `escalation.${i}.afterSeconds`, s.afterSeconds, 0, 86_400, true),
    };
    if (s.lowerMinLevelBy.trim()) step['lowerMinLevelBy'] = number(c, t, `escalation.${i}.lowerMinLevelBy`, s.lowerMinLevelBy, 1, 9, true);
    const also = expression(c, t, `escalation.${i}.alsoAccept`, s.alsoAccept);
    if (also !== undefined) step['alsoAccept'] = also;
    if (s.overflowToQueueId) step['overflowToQueueId'] = s.overflowToQueueId;
    return step;
  });
  const body: QueueBody = {
    name,
    channel: d.channel,
    requirement: expression(c, t, 'requirement', d.requirement) ?? null,
    priority: number(c, t, 'priority', d.priority, -100, 100, true),
    serviceLevel: {
      targetFraction: Math.round((percent ?? 0) * 100) / 10_000,
      thresholdSeconds: number(c, t, 'serviceLevel.thresholdSeconds', d.slThresholdSeconds, 1, 86_400, true),
    },
    strategy: d.strategy,
    escalation,
    predictiveEscalation: d.predictiveEscalation,
    agingPerMinute: number(c, t, 'agingPerMinute', d.agingPerMinute, 0, 100, false),
    stickyWaitSeconds: number(c, t, 'stickyWaitSeconds', d.stickyWaitSeconds, 0, 3_600, true),
    wrapUpSeconds: number(c, t, 'wrapUpSeconds', d.wrapUpSeconds, 0, 3_600, true),
  };
  return { body, errors: c.empty ? null : c.errors };
}

/** Only the fields that differ from the queue as loaded, for a PATCH (and a precise audit entry). */
export function changedFields(body: QueueBody, queue: QueueRow): Partial<QueueBody> {
  const patch: Partial<QueueBody> = {};
  for (const key of Object.keys(body) as (keyof QueueBody)[]) {
    if (JSON.stringify(body[key]) !== JSON.stringify(queue[key])) (patch as Record<string, unknown>)[key] = body[key];
  }
  return patch;
}
