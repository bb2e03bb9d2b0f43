// Every REST call the console makes, typed against the shared contract.
import type { ConversationDto, MessageDto, Role, TimelineDto } from '../../../../src/contracts/index.js';
import { api } from './http.js';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
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

export async function listConversations(): Promise<ConversationDto[]> {
  const res = await api<{ conversations: ConversationDto[] }>('GET', '/api/conversations');
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
