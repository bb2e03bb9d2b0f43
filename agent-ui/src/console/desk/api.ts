// The desk's REST calls (src/desk/api.ts on the hub).
import type { Channel, NoteDto } from '../../../../src/contracts/index.js';
import { api } from '../api/http.js';

export type DeskLanguage = 'en' | 'fa';

export interface CannedResponse {
  id: string;
  title: string;
  shortcut: string;
  body: string;
  language: DeskLanguage;
  queueId: string | null;
  channel: Channel | null;
  updatedAt: string;
}

export type CannedBody = Omit<CannedResponse, 'id' | 'updatedAt'>;

export interface Disposition {
  id: string;
  code: string;
  labelEn: string;
  labelFa: string;
  active: boolean;
}

export interface WrapUp {
  dispositionCode: string;
  note: string | null;
  agentId: string | null;
  at: string;
}

export interface DeskState {
  tags: string[];
  notes: NoteDto[];
  wrapUp: WrapUp | null;
}

const conv = (id: string) => `/api/conversations/${encodeURIComponent(id)}`;

export async function listCanned(conversationId?: string): Promise<CannedResponse[]> {
  const q = conversationId ? `?conversationId=${encodeURIComponent(conversationId)}` : '';
  return (await api<{ cannedResponses: CannedResponse[] }>('GET', `/api/canned-responses${q}`)).cannedResponses;
}

export async function createCanned(body: CannedBody): Promise<CannedResponse> {
  return (await api<{ cannedResponse: CannedResponse }>('POST', '/api/canned-responses', body)).cannedResponse;
}

export async function updateCanned(id: string, body: Partial<CannedBody>): Promise<CannedResponse> {
  return (await api<{ cannedResponse: CannedResponse }>('PATCH', `/api/canned-responses/${encodeURIComponent(id)}`, body)).cannedResponse;
}

export async function deleteCanned(id: string): Promise<void> {
  await api<void>('DELETE', `/api/canned-responses/${encodeURIComponent(id)}`);
}

export async function listDispositions(onlyActive: boolean): Promise<Disposition[]> {
  return (await api<{ dispositions: Disposition[] }>('GET', `/api/dispositions${onlyActive ? '?active=1' : ''}`)).dispositions;
}

export async function createDisposition(body: Omit<Disposition, 'id'>): Promise<Disposition> {
  return (await api<{ disposition: Disposition }>('POST', '/api/dispositions', body)).disposition;
}

export async function updateDisposition(id: string, body: Partial<Omit<Disposition, 'id' | 'code'>>): Promise<Disposition> {
  return (await api<{ disposition: Disposition }>('PATCH', `/api/dispositions/${encodeURIComponent(id)}`, body)).disposition;
}

/** Center-wide desk settings (GET: any staff; PUT: admins, audited). */
export interface DeskSettings {
  dispositionRequired: boolean;
}

export function getDeskSettings(): Promise<DeskSettings> {
  return api<DeskSettings>('GET', '/api/desk/settings');
}

/** Refused (400 on `body.dispositionRequired`) when turning it on with no active code. */
export function putDeskSettings(settings: DeskSettings): Promise<DeskSettings> {
  return api<DeskSettings>('PUT', '/api/desk/settings', settings);
}

export function getDesk(conversationId: string): Promise<DeskState> {
  return api('GET', `${conv(conversationId)}/desk`);
}

export async function addNote(conversationId: string, body: string): Promise<NoteDto> {
  return (await api<{ note: NoteDto }>('POST', `${conv(conversationId)}/notes`, { body })).note;
}

export async function putTags(conversationId: string, tags: string[]): Promise<string[]> {
  return (await api<{ tags: string[] }>('PUT', `${conv(conversationId)}/tags`, { tags })).tags;
}

/** Closes with the wrap-up in the same request; the hub checks the code before closing. */
export async function closeWithWrapUp(conversationId: string, wrapUp: { dispositionCode: string; note: string }): Promise<void> {
  await api<unknown>('POST', `${conv(conversationId)}/close`, { dispositionCode: wrapUp.dispositionCode, ...(wrapUp.note ? { wrapUpNote: wrapUp.note } : {}) });
}

/** For a conversation that ended another way (the customer left, a call hung up). */
export async function putWrapUp(conversationId: string, wrapUp: { dispositionCode: string; note: string }): Promise<WrapUp> {
  return (await api<{ wrapUp: WrapUp }>('PUT', `${conv(conversationId)}/wrap-up`, { dispositionCode: wrapUp.dispositionCode, ...(wrapUp.note ? { note: wrapUp.note } : {}) })).wrapUp;
}

/** Active staff for @mention completion (id, name, email; readable by agents). */
export async function listMentionable(): Promise<{ id: string; name: string; email: string }[]> {
  return (await api<{ users: { id: string; name: string; email: string }[] }>('GET', '/api/desk/mentionable')).users;
}

export async function currentUserName(): Promise<string> {
  return (await api<{ user: { name: string } }>('GET', '/api/auth/me')).user.name;
}
