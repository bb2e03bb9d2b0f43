/**
 * Campaign rows ↔ typed campaigns. `campaignById` is what the runtime reads: JSON columns parsed, the
 * retry policy filled in with the rule set's defaults, numeric columns as numbers.
 */
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../../db/index.js';
import type { PolicyName } from '../pacing/types.js';
import type { CampaignMachine, CampaignMessage, CampaignRuleSet, CampaignStatus, CampaignWindow, ContactStatus, DialerCampaignsTable, DialMode } from './schema.js';
import { fullRetry, type CampaignSettings, type FullRetryPolicy } from './validation.js';

type Q = Db | Tx;

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  ruleSet: CampaignRuleSet;
  mode: DialMode;
  pacing: PolicyName;
  callerId: string;
  queueId: string;
  abandonTarget: number;
  message: CampaignMessage;
  machine: CampaignMachine;
  callingWindow: CampaignWindow;
  /** Every outcome filled in: the campaign's own rules over the rule set's defaults. */
  retry: FullRetryPolicy;
  maxAttempts: number;
  ringSeconds: number;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ContactCounts = Record<ContactStatus, number> & { total: number };

export function campaignFromRow(row: Selectable<DialerCampaignsTable>): Campaign {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    ruleSet: row.rule_set,
    mode: row.mode,
    pacing: row.pacing as PolicyName,
    callerId: row.caller_id,
    queueId: row.queue_id,
    abandonTarget: Number(row.abandon_target),
    message: row.message,
    machine: row.machine,
    callingWindow: row.calling_window,
    retry: fullRetry(row.rule_set, row.retry),
    maxAttempts: row.max_attempts,
    ringSeconds: row.ring_seconds,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The campaign, parsed, or null. For the dialer runtime. */
export async function campaignById(db: Q, id: string): Promise<Campaign | null> {
  const row = await db.selectFrom('dialer_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? campaignFromRow(row) : null;
}

/** The settings as a validated body would give them: what PATCH merges into and `start` re-checks. */
export function settingsOf(c: Campaign): CampaignSettings {
  return {
    name: c.name,
    ruleSet: c.ruleSet,
    mode: c.mode,
    pacing: c.pacing,
    callerId: c.callerId,
    queueId: c.queueId,
    abandonTarget: c.abandonTarget,
    message: { language: 'en', ...c.message },
    machine: c.machine,
    callingWindow: c.callingWindow,
    retry: c.retry,
    maxAttempts: c.maxAttempts,
    ringSeconds: c.ringSeconds,
  };
}

/** Column values for an insert or a full update. */
export function columnsOf(s: CampaignSettings) {
  return {
    name: s.name,
    rule_set: s.ruleSet,
    mode: s.mode,
    pacing: s.pacing,
    caller_id: s.callerId,
    queue_id: s.queueId,
    abandon_target: s.abandonTarget,
    message: JSON.stringify(s.message),
    machine: JSON.stringify(s.machine),
    calling_window: JSON.stringify(s.callingWindow),
    retry: JSON.stringify(s.retry),
    max_attempts: s.maxAttempts,
    ring_seconds: s.ringSeconds,
  };
}

const NO_CONTACTS: ContactCounts = { pending: 0, dialing: 0, done: 0, dnc: 0, exhausted: 0, invalid: 0, total: 0 };

/** Contacts per status for each campaign asked about. */
export async function contactCounts(db: Q, campaignIds: readonly string[]): Promise<Map<string, ContactCounts>> {
  const out = new Map<string, ContactCounts>(campaignIds.map((id) => [id, { ...NO_CONTACTS }]));
  if (campaignIds.length === 0) return out;
  const rows = await db
    .selectFrom('dialer_contacts')
    .select(['campaign_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'status'])
    .execute();
  for (const r of rows) {
    const counts = out.get(r.campaign_id)!;
    counts[r.status] = Number(r.n);
    counts.total += Number(r.n);
  }
  return out;
}

/** The campaign as the API shows it. */
export function campaignDto(c: Campaign, counts: ContactCounts) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    ruleSet: c.ruleSet,
    mode: c.mode,
    pacing: c.pacing,
    callerId: c.callerId,
    queueId: c.queueId,
    abandonTarget: c.abandonTarget,
    message: c.message,
    machine: c.machine,
    callingWindow: c.callingWindow,
    retry: c.retry,
    maxAttempts: c.maxAttempts,
    ringSeconds: c.ringSeconds,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    counts,
  };
}
export type CampaignDto = ReturnType<typeof campaignDto>;
