// The console's phone, under the top bar: its state (ready, not configured,
// errors), the ring when auto-answer is off, the call bar during a call, and
// the user's choice of browser or phone number.
import { useCallback, useEffect, useState } from 'react';
import type { VoiceDeviceDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';
import { CallBar } from './CallBar.js';
import { twilioDevice } from './device.js';
import { Phone } from './phone.js';
import { PhoneSettings } from './PhoneSettings.js';
import { useLegCall, type LegSource } from './useLegCall.js';
import { usePhone } from './usePhone.js';
import { voiceApi, type VoiceApi } from './voiceApi.js';
import './voice.css';

interface Props {
  /** Tests hand in a phone with a fake Device, and a recording API. */
  phone?: Phone;
  api?: VoiceApi;
}

function defaultPhone(api: VoiceApi): Phone {
  let storage: Storage | null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null; // blocked storage: the auto-answer choice holds for this page only
  }
  return new Phone({ fetchToken: api.token, createDevice: twilioDevice, storage });
}

export function PhoneDock({ phone: given, api = voiceApi }: Props) {
  const { t } = useI18n();
  const [phone] = useState(() => given ?? defaultPhone(api));
  const snap = usePhone(phone);
  const [device, setDevice] = useState<VoiceDeviceDto | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);

  // Where the hub rings this user decides whether this tab runs a Device.
  useEffect(() => {
    let live = true;
    api.device().then(
      (d) => {
        if (!live) return;
        setDevice(d);
        if (d.device === 'phone') phone.usePhoneNumber();
        else void phone.start();
      },
      () => {
        if (live) void phone.start(); // the setting could not be read: the browser is the default
      },
    );
    return () => {
      live = false;
      phone.stop();
    };
  }, [api, phone]);

  const changeDevice = useCallback(
    async (next: VoiceDeviceDto) => {
      const saved = await api.setDevice(next);
      setDevice(saved);
      if (saved.device === 'phone') phone.usePhoneNumber();
      else if (snap.status === 'phone' || snap.status === 'idle') void phone.start();
    },
    [api, phone, snap.status],
  );

  const source: LegSource | null = snap.call ? { kind: 'leg', legSid: snap.call.legSid } : snap.status === 'phone' ? { kind: 'mine' } : null;
  const { info, refresh } = useLegCall(api, source);

  return (
    <div className="phone-dock" data-testid="phone-dock" data-phone-status={snap.status}>
      <div className="phone-line">
        <span className={`phone-status phone-status-${snap.status}`} role="status" data-testid="phone-status">
          {t(`voice.status.${snap.status}`)}
        </span>
        {snap.status === 'failed' && (
          <button type="button" className="link" onClick={() => void phone.retry()} data-testid="phone-retry">
            {t('common.retry')}
          </button>
        )}
        <button type="button" className="link" aria-expanded={settingsOpen} onClick={() => setSettingsOpen((o) => !o)} data-testid="phone-settings-toggle">
          {t('voice.settings.open')}
        </button>
      </div>

      {snap.status === 'not-configured' && (
        <p className="phone-note" data-testid="phone-not-configured">
          {t('voice.notConfigured')} <span className="muted small" dir="ltr">{snap.notConfigured}</span>
        </p>
      )}

      {snap.error && (
        <p className="phone-error" role="alert" data-testid="phone-error" data-kind={snap.error.kind}>
          <span>{t(`voice.error.${snap.error.kind}`)}</span>
          {snap.error.detail && (
            <span className="muted small" dir="ltr">
              {' '}
              ({snap.error.code !== null && !snap.error.detail.includes(String(snap.error.code)) ? `${snap.error.code}: ` : ''}
              {snap.error.detail})
            </span>
          )}
          <button type="button" className="link" onClick={() => phone.dismissError()}>
            {t('common.dismiss')}
          </button>
        </p>
      )}

      {settingsOpen && <PhoneSettings device={device} autoAnswer={snap.autoAnswer} onAutoAnswer={(on) => phone.setAutoAnswer(on)} onSave={changeDevice} onClose={() => setSettingsOpen(false)} />}

      {snap.ringing && (
        <div className="phone-ringing" role="alert" data-testid="phone-ringing">
          <span>{t('voice.ringing', { from: snap.ringing.from ?? t('voice.bar.anonymous') })}</span>
          <button type="button" onClick={() => phone.answer()} data-testid="phone-answer">
            {t('voice.answer')}
          </button>
          <button type="button" className="link" onClick={() => phone.decline()}>
            {t('voice.decline')}
          </button>
        </div>
      )}

      {snap.call && !info && (
        <p className="call-bar call-bar-pending" role="status" data-testid="call-bar-pending">
          {t('voice.bar.connecting', { from: snap.call.from ?? t('voice.bar.anonymous') })}
        </p>
      )}
      {info && info.call.state !== 'ended' && (
        <CallBar
          info={info}
          api={api}
          since={snap.call?.since ?? null}
          {...(snap.call ? { muted: snap.call.muted, onMute: (m: boolean) => phone.setMuted(m), onLeave: () => phone.disconnect() } : {})}
          onChanged={refresh}
        />
      )}
    </div>
  );
}
