// The dialer's REST calls, mirroring src/dialer/campaigns/api.ts. CSV uploads send the file as the
// raw request body (text/csv), which the JSON helper cannot do, so they use fetch directly.
import { api, ApiError, NETWORK_ERROR, type FieldIssue } from '../api/http.js';

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'completed';
export type RuleSet = 'US' | 'UK';
export type DialMode = 'preview' | 'progressive' | 'predictive';
export type PacingPolicy = 'pasokh' | 'expected-value' | 'vicidial-adapt' | 'fixed-ratio' | 'progressive';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type RetryOutcome = 'noAnswer' | 'busy' | 'machine' | 'abandoned' | 'failed';
export type ContactStatus = 'pending' | 'dialing' | 'done' | 'dnc' | 'exhausted' | 'invalid';

export const RULE_SETS: readonly RuleSet[] = ['US', 'UK'];
export const DIAL_MODES: readonly DialMode[] = ['preview', 'progressive', 'predictive'];
export const PACING_POLICIES: readonly PacingPolicy[] = ['pasokh', 'expected-value', 'vicidial-adapt', 'fixed-ratio', 'progressive'];
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const RETRY_OUTCOMES: readonly RetryOutcome[] = ['noAnswer', 'busy', 'machine', 'abandoned', 'failed'];

export interface RetryRule {
  gapMinutes: number;
  maxAttempts: number;
}

export interface CampaignSettings {
  name: string;
  ruleSet: RuleSet;
  mode: DialMode;
  pacing: PacingPolicy;
  callerId: string;
  queueId: string;
  abandonTarget: number;
  message: { audioUrl?: string; text?: string; language: 'en' | 'fa' };
  machine: { action: 'drop' | 'hangup'; audioUrl?: string; text?: string };
  callingWindow: { start: string; end: string; days?: Weekday[] };
  retry: Partial<Record<RetryOutcome, RetryRule>>;
  maxAttempts: number;
  ringSeconds: number;
}

export interface Campaign extends CampaignSettings {
  id: string;
  status: CampaignStatus;
  retry: Record<RetryOutcome, RetryRule>;
  createdAt: string;
  updatedAt: string;
  counts: Record<ContactStatus, number> & { total: number };
}

export type ImportReason = 'invalid-number' | 'duplicate' | 'do-not-call' | 'invalid-time-zone' | 'missing-phone' | 'malformed-row';

export interface ImportProblem {
  line: number;
  reason: ImportReason;
  value?: string;
}

export interface ImportState {
  id: string;
  campaignId: string;
  status: 'running' | 'done' | 'failed';
  filename: string | null;
  total: number;
  imported: number;
  invalid: number;
  duplicates: number;
  dnc: number;
  error: string | null;
  report?: ImportProblem[];
}

/** Part B's figures; any field may be missing while that endpoint grows. */
export interface CampaignStats {
  abandon30d?: unknown;
  abandon24h?: unknown;
  attempts?: unknown;
  connected?: unknown;
  /** Why the runtime paused the campaign by itself (abandonment budget spent, …). */
  pausedReason?: string | null;
}

export interface DncEntry {
  phone: string;
  source: 'company' | 'api' | 'keypress' | 'sms';
  reason: string | null;
  createdAt: string;
}

const id = encodeURIComponent;

export async function listCampaigns(): Promise<Campaign[]> {
  return (await api<{ campaigns: Campaign[] }>('GET', '/api/dialer/campaigns')).campaigns;
}

export async function createCampaign(body: CampaignSettings): Promise<Campaign> {
  return (await api<{ campaign: Campaign }>('POST', '/api/dialer/campaigns', body)).campaign;
}

export async function updateCampaign(campaignId: string, patch: Partial<CampaignSettings>): Promise<Campaign> {
  return (await api<{ campaign: Campaign }>('PATCH', `/api/dialer/campaigns/${id(campaignId)}`, patch)).campaign;
}

export async function setRunning(campaignId: string, run: boolean): Promise<Campaign> {
  return (await api<{ campaign: Campaign }>('POST', `/api/dialer/campaigns/${id(campaignId)}/${run ? 'start' : 'pause'}`)).campaign;
}

export async function getImport(importId: string): Promise<ImportState> {
  return (await api<{ import: ImportState }>('GET', `/api/dialer/imports/${id(importId)}`)).import;
}

/** The campaign's figures, or null when the endpoint does not answer 200 (not there yet, or refused). */
export async function getStats(campaignId: string): Promise<CampaignStats | null> {
  try {
    const body = await api<CampaignStats | { stats: CampaignStats }>('GET', `/api/dialer/campaigns/${id(campaignId)}/stats`);
    if (body && typeof body === 'object' && 'stats' in body) return body.stats;
    return body ?? null;
  } catch {
    return null;
  }
}

export async function uploadContacts(campaignId: string, file: Blob, opts: { filename?: string; defaultRegion?: string }): Promise<string> {
  const q = new URLSearchParams();
  if (opts.filename) q.set('filename', opts.filename);
  if (opts.defaultRegion) q.set('defaultRegion', opts.defaultRegion);
  let res: Response;
  try {
    res = await fetch(`/api/dialer/campaigns/${id(campaignId)}/imports?${q.toString()}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
      body: file,
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, '');
  }
  const data = (await res.json().catch(() => null)) as { importId?: string; error?: { code?: string; message?: string; details?: FieldIssue[] } } | null;
  if (!res.ok || !data?.importId) throw new ApiError(res.status, data?.error?.code ?? 'unexpected_response', data?.error?.message ?? '', data?.error?.details ?? []);
  return data.importId;
}

export function listDnc(q: string, cursor?: string): Promise<{ entries: DncEntry[]; nextCursor: string | null }> {
  const params = new URLSearchParams({ limit: '50' });
  if (q) params.set('q', q);
  if (cursor) params.set('cursor', cursor);
  return api('GET', `/api/dialer/dnc?${params.toString()}`);
}

export function addDnc(phone: string, reason: string): Promise<{ added: number; contactsStopped: number }> {
  return api('POST', '/api/dialer/dnc', { phone, ...(reason ? { reason } : {}), source: 'company' });
}

export async function removeDnc(phone: string): Promise<void> {
  await api<void>('DELETE', `/api/dialer/dnc?phone=${id(phone)}`);
}
