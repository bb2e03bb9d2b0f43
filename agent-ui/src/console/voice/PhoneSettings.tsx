// Where calls ring for this user (this browser, or a phone number: PUT /api/voice/me)
// and whether this browser answers the hub's ring by itself.
import { useEffect, useId, useState } from 'react';
import type { VoiceDeviceDto } from '../../../../src/contracts/index.js';
import { ApiError } from '../api/http.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';

interface Props {
  device: VoiceDeviceDto | null;
  autoAnswer: boolean;
  onAutoAnswer: (on: boolean) => void;
  onSave: (device: VoiceDeviceDto) => Promise<void>;
  onClose: () => void;
}

export function PhoneSettings({ device, autoAnswer, onAutoAnswer, onSave, onClose }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [kind, setKind] = useState<'browser' | 'phone'>(device?.device ?? 'browser');
  const [number, setNumber] = useState(device?.phoneNumber ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!device) return;
    setKind(device.device);
    setNumber(device.phoneNumber ?? '');
  }, [device]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      await onSave({ device: kind, phoneNumber: kind === 'phone' ? number.trim() : null });
      setSaved(true);
    } catch (err) {
      // The hub names the field: "phoneNumber must be a phone number in E.164 form…".
      setError(err instanceof ApiError && err.details.length > 0 ? err.details.map((d) => d.message).join('; ') : errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="phone-settings" onSubmit={(e) => void submit(e)} data-testid="phone-settings">
      <fieldset>
        <legend>{t('voice.settings.ringOn')}</legend>
        <label>
          <input type="radio" name={`${id}-device`} checked={kind === 'browser'} onChange={() => setKind('browser')} data-testid="device-browser" /> {t('voice.settings.browser')}
        </label>
        <label>
          <input type="radio" name={`${id}-device`} checked={kind === 'phone'} onChange={() => setKind('phone')} data-testid="device-phone" /> {t('voice.settings.phone')}
        </label>
      </fieldset>
      {kind === 'phone' && (
        <div className="field">
          <label htmlFor={`${id}-number`}>{t('voice.settings.number')}</label>
          <input
            id={`${id}-number`}
            type="tel"
            dir="ltr"
            inputMode="tel"
            placeholder="+15005550006"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={`${id}-hint`}
            data-testid="device-number"
          />
          <span id={`${id}-hint`} className="muted small">
            {t('voice.settings.numberHint')}
          </span>
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={autoAnswer} onChange={(e) => onAutoAnswer(e.target.checked)} data-testid="auto-answer" /> {t('voice.settings.autoAnswer')}
      </label>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {saved && <p role="status">{t('voice.settings.saved')}</p>}
      <div className="transfer-actions">
        <button type="submit" disabled={saving || (kind === 'phone' && number.trim() === '')} data-testid="device-save">
          {t('voice.settings.save')}
        </button>
        <button type="button" className="link" onClick={onClose}>
          {t('voice.settings.close')}
        </button>
      </div>
    </form>
  );
}
