// The call bar: who is on the line, for how long, and the controls the hub
// offers for it (mute is this browser's; hold, transfer and hang-up go through
// /api/voice/calls/:conversationId/…; supervisors switch or stop monitoring).
import { useState } from 'react';
import type { VoiceLegCallDto, VoiceMonitorMode } from '../../../../src/contracts/index.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { useNow } from '../util/useNow.js';
import { TransferPanel } from './TransferPanel.js';
import type { VoiceApi } from './voiceApi.js';

const MODES: readonly VoiceMonitorMode[] = ['listen', 'whisper', 'barge'];

interface Props {
  info: VoiceLegCallDto;
  api: VoiceApi;
  /** When this console answered (ms), used until the hub says when the call connected. */
  since: number | null;
  /** Muting is this browser's own microphone: absent when the user is on a phone. */
  muted?: boolean;
  onMute?: (muted: boolean) => void;
  /** Drops this browser's leg (a consult or monitoring leg). */
  onLeave?: () => void;
  /** The call changed on the hub: look again now. */
  onChanged: () => Promise<void>;
}

export function CallBar({ info, api, since, muted, onMute, onLeave, onChanged }: Props) {
  const { t, duration } = useI18n();
  const now = useNow(1000);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [transferOpen, setTransferOpen] = useState(false);
  const { call, leg } = info;
  const conversationId = call.conversationId;
  const started = call.connectedAt ? Date.parse(call.connectedAt) : since;
  const elapsed = started === null ? 0 : Math.max(0, Math.floor((now - started) / 1000));
  const isOwner = leg.role === 'agent';
  const transfer = call.transfer;
  const consultAnswered = transfer ? call.legs.some((l) => l.callSid === transfer.legSid && l.answeredAt !== null) : false;

  const act = async (name: string, work: () => Promise<unknown>) => {
    setBusy(name);
    setFailure(null);
    try {
      await work();
      await onChanged();
    } catch (err) {
      setFailure(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  const roleText =
    leg.role === 'supervisor' ? t('voice.bar.monitoring', { mode: t(`voice.mode.${leg.mode ?? 'listen'}`) }) : leg.role === 'consult' ? t('voice.bar.consulting') : t('voice.bar.onCall');

  return (
    <section className="call-bar" aria-label={t('voice.bar.label')} data-testid="call-bar" data-role={leg.role}>
      <div className="call-bar-who">
        <span className="call-bar-role">{roleText}</span>
        <bdi className="call-bar-customer" data-testid="call-customer" dir="ltr">
          {call.from ?? t('voice.bar.anonymous')}
        </bdi>
        <span className="call-bar-timer" role="timer" aria-label={t('voice.bar.duration')} data-testid="call-timer">
          {duration(elapsed)}
        </span>
        {call.onHold && (
          <span className="chip chip-warn" data-testid="call-on-hold">
            {t('voice.bar.onHold')}
          </span>
        )}
        {muted && <span className="chip">{t('voice.bar.muted')}</span>}
      </div>

      <div className="call-bar-actions">
        {onMute && muted !== undefined && (
          <button type="button" aria-pressed={muted} onClick={() => onMute(!muted)} data-testid="call-mute">
            {muted ? t('voice.bar.unmute') : t('voice.bar.mute')}
          </button>
        )}
        {isOwner && conversationId && (
          <>
            <button
              type="button"
              disabled={busy !== null || call.state !== 'connected'}
              onClick={() => void act('hold', () => api.hold(conversationId, !call.onHold))}
              data-testid="call-hold"
            >
              {call.onHold ? t('voice.bar.resume') : t('voice.bar.hold')}
            </button>
            {!transfer && (
              <button type="button" aria-expanded={transferOpen} disabled={busy !== null || call.state !== 'connected'} onClick={() => setTransferOpen((o) => !o)} data-testid="call-transfer">
                {t('voice.bar.transfer')}
              </button>
            )}
            <button type="button" className="danger" disabled={busy !== null} onClick={() => void act('hangup', () => api.hangup(conversationId))} data-testid="call-hangup">
              {t('voice.bar.hangUp')}
            </button>
          </>
        )}
        {leg.role === 'supervisor' && conversationId && (
          <>
            {MODES.map((m) => (
              <button key={m} type="button" aria-pressed={leg.mode === m} disabled={busy !== null || leg.mode === m} onClick={() => void act(m, () => api.monitor(conversationId, m))}>
                {t(`voice.mode.${m}`)}
              </button>
            ))}
            <button type="button" className="danger" disabled={busy !== null} onClick={() => void act('stop', () => api.stopMonitor(conversationId))} data-testid="call-stop-monitor">
              {t('voice.mon.stop')}
            </button>
          </>
        )}
        {leg.role === 'consult' && onLeave && (
          <button type="button" className="danger" onClick={onLeave} data-testid="call-leave">
            {t('voice.bar.hangUp')}
          </button>
        )}
      </div>

      {isOwner && transfer && conversationId && (
        <div className="call-bar-warm" role="status" data-testid="call-warm">
          <span>{consultAnswered ? t('voice.warm.talking') : t('voice.warm.ringing')}</span>
          <button type="button" disabled={busy !== null || !consultAnswered} onClick={() => void act('complete', () => api.completeTransfer(conversationId))} data-testid="call-warm-complete">
            {t('voice.warm.complete')}
          </button>
          <button type="button" disabled={busy !== null} onClick={() => void act('cancel', () => api.cancelTransfer(conversationId))} data-testid="call-warm-cancel">
            {t('voice.warm.cancel')}
          </button>
        </div>
      )}

      {isOwner && transferOpen && !transfer && conversationId && (
        <TransferPanel
          api={api}
          onCancel={() => setTransferOpen(false)}
          onSubmit={(body) =>
            act('transfer', async () => {
              await api.transfer(conversationId, body);
              setTransferOpen(false);
            })
          }
        />
      )}

      {failure && (
        <p className="call-bar-error" role="alert" data-testid="call-error">
          {failure}
        </p>
      )}
    </section>
  );
}
