// Every REST call the console makes, typed against the shared contract. The admin
// shapes (users, queues) are not in the contract yet; they mirror the hub's
// routes in src/api/users-routes.ts and src/api/routing-routes.ts.
import type { Channel, ConversationDto, MessageDto, PresenceStatus, Role, TimelineDto } from '../../../../src/contracts/index.js';
import { api } from './http.js';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The console language the user chose (stored on the hub); null: follow the browser. */
  language?: 'en' | 'fa' | null;
}

export async function login(email: string, password: string): Promise<SessionUser> {
  const res = await api<{ user: SessionUser }>('POST', '/api/auth/login', { email, password });
  return res.user;
}

export async function currentUser(): Promise<SessionUser> {
  const res = await api<{ user: SessionUser }>('GET', '/api/auth/me');
  return res.user;
}

export async function logout(): Promise<void> {
  await api<void>('POST', '/api/auth/logout');
}

/** The signed-in user's own open conversations (supervisors and admins would otherwise get everyone's). */
export async function listConversations(): Promise<ConversationDto[]> {
  const res = await api<{ conversations: ConversationDto[] }>('GET', '/api/conversations?mine=1');
  return res.conversations;
}

export function getConversation(id: string): Promise<{ conversation: ConversationDto; messages: MessageDto[] }> {
  return api('GET', `/api/conversations/${encodeURIComponent(id)}`);
}

export function getTimeline(customerId: string): Promise<TimelineDto> {
  return api('GET', `/api/customers/${encodeURIComponent(customerId)}/timeline`);
}

export async function sendReply(conversationId: string, body: string): Promise<MessageDto> {
  const res = await api<{ message: MessageDto }>(
    'POST',
    `/api/conversations/${encodeURIComponent(conversationId)}/messages`,
    { body },
  );
  return res.message;
}

export async function closeConversation(conversationId: string): Promise<void> {
  await api<unknown>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/close`);
}

// ---- users (admin; the list is also open to supervisors) -------------------

export interface SkillLevel {
  skill: string;
  level: number;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  status: PresenceStatus | null;
  capacity: number | null;
  skills: SkillLevel[];
}

export interface NewUser {
  email: string;
  password: string;
  name: string;
  role: Role;
  skills: SkillLevel[];
  capacity?: number;
}

export async function listUsers(): Promise<UserRow[]> {
  const res = await api<{ users: UserRow[] }>('GET', '/api/users');
  return res.users;
}

export async function createUser(user: NewUser): Promise<{ id: string }> {
  const res = await api<{ user: { id: string } }>('POST', '/api/users', user);
  return res.user;
}

export async function setUserSkills(userId: string, skills: SkillLevel[]): Promise<SkillLevel[]> {
  const res = await api<{ skills: SkillLevel[] }>('PUT', `/api/users/${encodeURIComponent(userId)}/skills`, { skills });
  return res.skills;
}

export async function setAgentCapacity(userId: string, capacity: number): Promise<number> {
  const res = await api<{ capacity: number }>('PATCH', `/api/users/${encodeURIComponent(userId)}/agent`, { capacity });
  return res.capacity;
}

// ---- queues ------------------------------------------------------------------

export type SkillExpr = { skill: string; minLevel?: number } | { all: SkillExpr[] } | { any: SkillExpr[] };

export type Strategy = 'longest-idle' | 'least-occupied' | 'most-proficient' | 'round-robin' | 'best-fit' | 'reserve';
export const STRATEGIES: readonly Strategy[] = ['longest-idle', 'least-occupied', 'most-proficient', 'round-robin', 'best-fit', 'reserve'];
export const CHANNELS: readonly Channel[] = ['webchat', 'sms', 'email', 'voice'];

export interface EscalationStep {
  afterSeconds: number;
  lowerMinLevelBy?: number;
  alsoAccept?: SkillExpr;
  overflowToQueueId?: string;
}

export interface QueueSettings {
  name: string;
  channel: Channel;
  /** null = any agent. */
  requirement: SkillExpr | null;
  priority: number;
  serviceLevel: { targetFraction: number; thresholdSeconds: number };
  strategy: Strategy;
  escalation: EscalationStep[];
  predictiveEscalation: boolean;
  agingPerMinute: number;
  stickyWaitSeconds: number;
  wrapUpSeconds: number;
}

export interface QueueRow extends QueueSettings {
  id: string;
  isDefault: boolean;
}

/**
 * What the forms send. Skill expressions typed by an admin go out as parsed,
 * unchecked JSON: the hub validates their shape and names the failing path.
 */
export type QueueBody = Omit<QueueSettings, 'requirement' | 'escalation'> & {
  requirement: unknown;
  escalation: Record<string, unknown>[];
};

export async function listQueues(): Promise<QueueRow[]> {
  const res = await api<{ queues: QueueRow[] }>('GET', '/api/queues');
  return res.queues;
}

export async function createQueue(body: QueueBody): Promise<QueueRow> {
  const res = await api<{ queue: QueueRow }>('POST', '/api/queues', body);
  return res.queue;
}

export async function updateQueue(id: string, patch: Partial<QueueBody>): Promise<QueueRow> {
  const res = await api<{ queue: QueueRow }>('PATCH', `/api/queues/${encodeURIComponent(id)}`, patch);
  return res.queue;
}
