/**
 * What a campaign may be: the settings a supervisor types, checked against the rule set the campaign
 * picks. Pure (zod, no I/O): the API applies it to POST bodies and to a PATCH merged over the stored
 * campaign, and `start` applies it again to what is stored. Whether `queueId` names a voice queue is
 * the API's check (it needs the database).
 *
 * Cross-field rules name the field that has to change, so the console can show the message beside it:
 * - the calling window must not be empty and must lie inside the rule set's 08:00–21:00;
 * - both rule sets need a recorded message (US: the safe-harbour message played on an abandoned call;
 *   UK: the information message), so one without audio or text is refused at `message`;
 * - leaving a message on machines needs something to play;
 * - UK: a retry after a machine verdict waits at least 24 h, after an abandoned call at least 72 h
 *   (Ofcom) — the runtime enforces the same through `mayRedial`, this makes the campaign say so.
 */
import { z } from 'zod';
import type { PolicyName } from '../pacing/types.js';
import { ruleSetFor, type RuleSetId } from '../rules/types.js';
import type { CampaignMachine, CampaignMessage, CampaignWindow, RetryRule } from './schema.js';

export const PACING_POLICIES = ['pasokh', 'expected-value', 'vicidial-adapt', 'fixed-ratio', 'progressive'] as const satisfies readonly PolicyName[];
export const RULE_SETS = ['US', 'UK'] as const;
export const DIAL_MODES = ['preview', 'progressive', 'predictive'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const RETRY_OUTCOMES = ['noAnswer', 'busy', 'machine', 'abandoned', 'failed'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];
export type FullRetryPolicy = Record<RetryOutcome, RetryRule>;

const E164 = /^\+[1-9][0-9]{6,14}$/;
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;
const MAX_GAP_MINUTES = 30 * 24 * 60;

/** Minutes after midnight of a valid 'HH:MM'. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

const hhmmText = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const audioUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);
const spokenText = z.string().trim().min(1, 'must not be empty').max(2000);

const messageSchema = z.strictObject({
  audioUrl: audioUrl.optional(),
  text: spokenText.optional(),
  language: z.enum(['en', 'fa']).default('en'),
});

const machineSchema = z.strictObject({
  action: z.enum(['drop', 'hangup']),
  audioUrl: audioUrl.optional(),
  text: spokenText.optional(),
});

const windowSchema = z.strictObject({
  start: z.string().regex(HHMM, "must be a time 'HH:MM'"),
  end: z.string().regex(HHMM, "must be a time 'HH:MM'"),
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1, 'pick at least one day, or leave days out for every day')
    .refine((d) => new Set(d).size === d.length, 'a day is listed twice')
    .optional(),
});

const retryRuleSchema = z.strictObject({
  gapMinutes: z.number().int('must be a whole number of minutes').min(1).max(MAX_GAP_MINUTES),
  maxAttempts: z.number().int().min(0).max(20),
});

const retrySchema = z.strictObject(Object.fromEntries(RETRY_OUTCOMES.map((k) => [k, retryRuleSchema.optional()])) as Record<RetryOutcome, z.ZodOptional<typeof retryRuleSchema>>);

/** Every field a campaign has, as the API takes it (camelCase). */
export const campaignFields = {
  name: z.string().trim().min(1, 'must not be empty').max(120),
  ruleSet: z.enum(RULE_SETS),
  mode: z.enum(DIAL_MODES),
  pacing: z.enum(PACING_POLICIES),
  callerId: z.string().trim().regex(E164, 'must be an E.164 number, e.g. +12025550123'),
  queueId: z.uuid('must be a queue id'),
  abandonTarget: z.number().gt(0, 'must be above 0').max(0.03, 'must be at most 0.03 (3 %)'),
  message: messageSchema,
  machine: machineSchema,
  callingWindow: windowSchema,
  retry: retrySchema,
  maxAttempts: z.number().int().min(1).max(20),
  ringSeconds: z.number().int().min(15, 'must ring at least 15 s (both rule sets)').max(60),
};

/** Defaults per rule set: the UK ones sit exactly on Ofcom's minimum gaps. */
export function defaultRetry(ruleSet: RuleSetId): FullRetryPolicy {
  const uk = ruleSet === 'UK';
  return {
    noAnswer: { gapMinutes: 120, maxAttempts: 3 },
    busy: { gapMinutes: 15, maxAttempts: 3 },
    machine: { gapMinutes: uk ? 24 * 60 : 240, maxAttempts: 2 },
    abandoned: { gapMinutes: uk ? 72 * 60 : 60, maxAttempts: 2 },
    failed: { gapMinutes: 60, maxAttempts: 1 },
  };
}

export function fullRetry(ruleSet: RuleSetId, retry: Partial<FullRetryPolicy> | undefined): FullRetryPolicy {
  return { ...defaultRetry(ruleSet), ...(retry ?? {}) };
}

type Issue = { path: (string | number)[]; message: string };

/** The rules that need more than one field: empty and out-of-bounds windows, required messages, UK gaps. */
export function crossFieldIssues(c: {
  ruleSet: RuleSetId;
  message: CampaignMessage;
  machine: CampaignMachine;
  callingWindow: CampaignWindow;
  retry: Partial<FullRetryPolicy>;
}): Issue[] {
  const issues: Issue[] = [];
  const rules = ruleSetFor(c.ruleSet);
  const start = minutesOf(c.callingWindow.start);
  const end = minutesOf(c.callingWindow.end);
  const { startMinute, endMinute } = rules.callingWindow;
  if (start >= end) issues.push({ path: ['callingWindow', 'end'], message: `must be after the start (${c.callingWindow.start}): the window is empty` });
  if (start < startMinute) issues.push({ path: ['callingWindow', 'start'], message: `must not be before ${hhmmText(startMinute)} (${c.ruleSet} rules: the callee's local time)` });
  if (end > endMinute) issues.push({ path: ['callingWindow', 'end'], message: `must not be after ${hhmmText(endMinute)} (${c.ruleSet} rules: the callee's local time)` });

  if (!c.message.audioUrl && !c.message.text) {
    const what = c.ruleSet === 'US' ? 'the safe-harbour message played on an abandoned call' : 'the information message played on answer';
    issues.push({ path: ['message'], message: `${c.ruleSet} rules need ${what}: give an audioUrl or a text` });
  }
  if (c.machine.action === 'drop' && !c.machine.audioUrl && !c.machine.text) {
    issues.push({ path: ['machine'], message: 'leaving a message on a machine needs an audioUrl or a text' });
  }

  const gaps: [RetryOutcome, number | null][] = [
    ['machine', rules.redial.afterMachineMs],
    ['abandoned', rules.redial.afterAbandonedMs],
  ];
  const retry = fullRetry(c.ruleSet, c.retry);
  for (const [outcome, minMs] of gaps) {
    if (minMs === null) continue;
    const minMinutes = minMs / 60_000;
    if (retry[outcome].gapMinutes < minMinutes) {
      issues.push({ path: ['retry', outcome, 'gapMinutes'], message: `must be at least ${minMinutes} minutes (${minMinutes / 60} h) under the UK rules` });
    }
  }
  return issues;
}

/** A whole campaign: the POST body, or a PATCH merged over the stored campaign. */
export const campaignSchema = z
  .strictObject({
    ...campaignFields,
    pacing: campaignFields.pacing.default('pasokh'),
    abandonTarget: campaignFields.abandonTarget.default(0.03),
    machine: campaignFields.machine.default({ action: 'hangup' }),
    callingWindow: campaignFields.callingWindow.default({ start: '09:00', end: '20:00' }),
    retry: campaignFields.retry.default({}),
    maxAttempts: campaignFields.maxAttempts.default(3),
    ringSeconds: campaignFields.ringSeconds.default(25),
  })
  .superRefine((c, ctx) => {
    for (const issue of crossFieldIssues(c)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

export type CampaignInput = z.input<typeof campaignSchema>;
export type CampaignSettings = z.output<typeof campaignSchema>;

/** A PATCH: any subset of the fields; the result is checked whole by `campaignSchema`. */
export const campaignPatchSchema = z.strictObject(campaignFields).partial();
export type CampaignPatch = z.output<typeof campaignPatchSchema>;
