// The hub's voice endpoints the console uses (src/channels/voice/api.ts).
import type {
  VoiceCallDto,
  VoiceDeviceDto,
  VoiceLegCallDto,
  VoiceLiveCallDto,
  VoiceMonitorMode,
  VoiceTokenDto,
  VoiceTransferTargetsDto,
} from '../../../../src/contracts/index.js';
import { api } from '../api/http.js';

const call = (conversationId: string, tail = '') => `/api/voice/calls/${encodeURIComponent(conversationId)}${tail}`;

export type TransferRequest = { mode: 'cold' | 'warm'; agentId: string } | { mode: 'cold'; queue: string };

export const voiceApi = {
  token: () => api<VoiceTokenDto>('GET', '/api/voice/token'),
  device: () => api<VoiceDeviceDto>('GET', '/api/voice/me'),
  setDevice: (d: VoiceDeviceDto) => api<VoiceDeviceDto>('PUT', '/api/voice/me', d),
  /** The call a leg the hub rang belongs to (404 until the hub has recorded the leg). */
  legCall: (legSid: string) => api<VoiceLegCallDto>('GET', `/api/voice/legs/${encodeURIComponent(legSid)}`),
  /** The signed-in user's live leg when they take calls on a phone (undefined: none). */
  myLeg: () => api<VoiceLegCallDto | undefined>('GET', '/api/voice/me/leg'),
  call: async (conversationId: string) => (await api<{ call: VoiceCallDto }>('GET', call(conversationId))).call,
  hold: async (conversationId: string, hold: boolean) => (await api<{ call: VoiceCallDto }>('POST', call(conversationId, '/hold'), { hold })).call,
  hangup: async (conversationId: string) => (await api<{ call: VoiceCallDto }>('POST', call(conversationId, '/hangup'))).call,
  transfer: (conversationId: string, body: TransferRequest) => api<unknown>('POST', call(conversationId, '/transfer'), body),
  completeTransfer: (conversationId: string) => api<unknown>('POST', call(conversationId, '/transfer/complete')),
  cancelTransfer: (conversationId: string) => api<unknown>('POST', call(conversationId, '/transfer/cancel')),
  transferTargets: () => api<VoiceTransferTargetsDto>('GET', '/api/voice/transfer-targets'),
  monitor: (conversationId: string, mode: VoiceMonitorMode) => api<{ mode: VoiceMonitorMode; legSid: string }>('POST', call(conversationId, '/monitor'), { mode }),
  stopMonitor: (conversationId: string) => api<void>('DELETE', call(conversationId, '/monitor')),
  live: async () => (await api<{ calls: VoiceLiveCallDto[] }>('GET', '/api/voice/live')).calls,
};

export type VoiceApi = typeof voiceApi;
