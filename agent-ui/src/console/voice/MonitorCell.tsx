// The supervisor's listen / whisper / barge / stop buttons for an agent on a
// live call. The hub rings the supervisor's own browser phone (or phone
// number) into the call's conference; switching modes keeps that leg.
import { useState } from 'react';
import type { VoiceMonitorMode } from '../../../../src/contracts/index.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { liveCalls as sharedLiveCalls, useLiveCalls, type LiveCalls } from './liveCalls.js';
import { voiceApi, type VoiceApi } from './voiceApi.js';

const MODES: readonly VoiceMonitorMode[] = ['listen', 'whisper', 'barge'];

interface Props {
  agentId: string;
  agentName: string;
  api?: VoiceApi;
  store?: LiveCalls;
}

export function MonitorCell({ agentId, agentName, api = voiceApi, store = sharedLiveCalls }: Props) {
  const { t } = useI18n();
  const calls = useLiveCalls(store);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const call = calls.find((c) => c.agentId === agentId);
  if (!call) return null;

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await store.refresh();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const connected = call.state === 'connected';
  return (
    <div className="monitor-cell" role="group" aria-label={t('voice.mon.group', { name: agentName })} data-testid="monitor-cell">
      <span className="chip" dir="ltr">
        {call.onHold ? t('voice.bar.onHold') : connected ? t('voice.mon.onCall') : t('voice.mon.ringing')}
      </span>
      {MODES.map((m) => (
        <button
          key={m}
          type="button"
          className="small"
          aria-pressed={call.monitoring === m}
          disabled={busy || !connected || call.monitoring === m}
          onClick={() => void act(() => api.monitor(call.conversationId, m))}
          data-testid={`monitor-${m}`}
        >
          {t(`voice.mode.${m}`)}
        </button>
      ))}
      {call.monitoring && (
        <button type="button" className="small danger" disabled={busy} onClick={() => void act(() => api.stopMonitor(call.conversationId))} data-testid="monitor-stop">
          {t('voice.mon.stop')}
        </button>
      )}
      {error && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
