// The campaign form's state (text as typed) ↔ the API body. Numbers are checked here only for being
// numbers; every rule (windows, messages, UK gaps…) is the hub's, and its errors come back keyed by the
// same paths this form uses (`callingWindow.end`, `retry.machine.gapMinutes`, `message`).
import type { I18n } from '../i18n/context.js';
import { ErrorCollector, parseNumber, type FieldErrors } from '../admin/fieldErrors.js';
import { RETRY_OUTCOMES, type Campaign, type CampaignSettings, type DialMode, type PacingPolicy, type RetryOutcome, type RuleSet, type Weekday } from './campaignsApi.js';

export interface CampaignDraft {
  name: string;
  ruleSet: RuleSet;
  mode: DialMode;
  pacing: PacingPolicy;
  callerId: string;
  queueId: string;
  abandonPercent: string;
  messageText: string;
  messageAudioUrl: string;
  messageLanguage: 'en' | 'fa';
  machineAction: 'drop' | 'hangup';
  machineText: string;
  machineAudioUrl: string;
  windowStart: string;
  windowEnd: string;
  /** Empty: every day. */
  days: Weekday[];
  retry: Record<RetryOutcome, { gapMinutes: string; maxAttempts: string }>;
  maxAttempts: string;
  ringSeconds: string;
}

const blankRetry = () => Object.fromEntries(RETRY_OUTCOMES.map((o) => [o, { gapMinutes: '', maxAttempts: '' }])) as CampaignDraft['retry'];

export function draftOf(c?: Campaign): CampaignDraft {
  if (!c) {
    return {
      name: '',
      ruleSet: 'US',
      mode: 'predictive',
      pacing: 'pasokh',
      callerId: '',
      queueId: '',
      abandonPercent: '3',
      messageText: '',
      messageAudioUrl: '',
      messageLanguage: 'en',
      machineAction: 'hangup',
      machineText: '',
      machineAudioUrl: '',
      windowStart: '09:00',
      windowEnd: '20:00',
      days: [],
      retry: blankRetry(),
      maxAttempts: '3',
      ringSeconds: '25',
    };
  }
  const retry = blankRetry();
  for (const o of RETRY_OUTCOMES) retry[o] = { gapMinutes: String(c.retry[o].gapMinutes), maxAttempts: String(c.retry[o].maxAttempts) };
  return {
    name: c.name,
    ruleSet: c.ruleSet,
    mode: c.mode,
    pacing: c.pacing,
    callerId: c.callerId,
    queueId: c.queueId,
    abandonPercent: String(Math.round(c.abandonTarget * 10_000) / 100),
    messageText: c.message.text ?? '',
    messageAudioUrl: c.message.audioUrl ?? '',
    messageLanguage: c.message.language,
    machineAction: c.machine.action,
    machineText: c.machine.text ?? '',
    machineAudioUrl: c.machine.audioUrl ?? '',
    windowStart: c.callingWindow.start,
    windowEnd: c.callingWindow.end,
    days: c.callingWindow.days ?? [],
    retry,
    maxAttempts: String(c.maxAttempts),
    ringSeconds: String(c.ringSeconds),
  };
}

const optional = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** The body to send, or the fields that are not numbers. */
export function bodyOf(d: CampaignDraft, t: I18n['t']): { body: CampaignSettings; errors: FieldErrors | null } {
  const errors = new ErrorCollector();
  const num = (text: string, path: string, min: number, max: number): number => {
    const n = parseNumber(text);
    if (n === null) errors.add(path, t('form.number', { min, max }));
    return n ?? 0;
  };
  const percent = num(d.abandonPercent, 'abandonTarget', 0, 3);
  const retry: CampaignSettings['retry'] = {};
  for (const o of RETRY_OUTCOMES) {
    const r = d.retry[o];
    if (r.gapMinutes.trim() === '' && r.maxAttempts.trim() === '') continue;
    retry[o] = { gapMinutes: num(r.gapMinutes, `retry.${o}.gapMinutes`, 1, 43_200), maxAttempts: num(r.maxAttempts, `retry.${o}.maxAttempts`, 0, 20) };
  }
  const messageText = optional(d.messageText);
  const messageAudio = optional(d.messageAudioUrl);
  const machineText = optional(d.machineText);
  const machineAudio = optional(d.machineAudioUrl);
  const body: CampaignSettings = {
    name: d.name.trim(),
    ruleSet: d.ruleSet,
    mode: d.mode,
    pacing: d.pacing,
    callerId: d.callerId.trim(),
    queueId: d.queueId,
    abandonTarget: Math.round(percent * 100) / 10_000,
    message: { language: d.messageLanguage, ...(messageText ? { text: messageText } : {}), ...(messageAudio ? { audioUrl: messageAudio } : {}) },
    machine: {
      action: d.machineAction,
      ...(d.machineAction === 'drop' && machineText ? { text: machineText } : {}),
      ...(d.machineAction === 'drop' && machineAudio ? { audioUrl: machineAudio } : {}),
    },
    callingWindow: { start: d.windowStart.trim(), end: d.windowEnd.trim(), ...(d.days.length > 0 ? { days: d.days } : {}) },
    retry,
    maxAttempts: num(d.maxAttempts, 'maxAttempts', 1, 20),
    ringSeconds: num(d.ringSeconds, 'ringSeconds', 15, 60),
  };
  if (!body.queueId) errors.add('queueId', t('form.required'));
  if (!body.name) errors.add('name', t('form.required'));
  return { body, errors: errors.empty ? null : errors.errors };
}
