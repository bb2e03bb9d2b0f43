import { useCallback, useEffect, useId, useState } from 'react';
import { errorText } from '../api/errorText.js';
import { ApiError, NETWORK_ERROR } from '../api/http.js';
import { getDeskSettings, putDeskSettings } from '../desk/api.js';
import { useI18n } from '../i18n/context.js';

/**
 * The hub's own words for a refused change: the issue it names on the field, or
 * its message. Null when the hub said nothing (network down), so the console's
 * own wording is shown instead.
 */
function hubWords(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.code === NETWORK_ERROR) return null;
  const onField = err.details.find((d) => d.path === 'body.dispositionRequired');
  return onField?.message ?? (err.message || null);
}

/**
 * The center-wide switch "a disposition is required to close" (GET/PUT
 * /api/desk/settings). The switch always shows what the hub has: it moves only
 * when the hub accepted the change, and a refusal (turning it on with no active
 * code) is shown under it in the hub's words.
 */
export function DispositionRequirement({ activeCodes }: { activeCodes: number | null }) {
  const { t } = useI18n();
  const [required, setRequired] = useState<boolean | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [saved, setSaved] = useState<boolean | null>(null);
  const id = useId();
  const titleId = `${id}-title`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;

  const load = useCallback(async () => {
    try {
      setRequired((await getDeskSettings()).dispositionRequired);
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function change(next: boolean) {
    if (busy) return;
    setBusy(true);
    setRefusal(null);
    setSaved(null);
    try {
      const settings = await putDeskSettings({ dispositionRequired: next });
      setRequired(settings.dispositionRequired);
      setSaved(settings.dispositionRequired);
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  }

  const words = refusal === null ? null : hubWords(refusal);
  return (
    <section className="card disp-requirement" aria-labelledby={titleId} data-testid="disp-requirement">
      <h3 id={titleId}>{t('desk.disp.requiredTitle')}</h3>
      {loadError !== null ? (
        <div className="inline-error" role="alert">
          {t('desk.loadFailed', { message: errorText(loadError, t) })}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <label className="checkbox switch">
          <input
            type="checkbox"
            role="switch"
            checked={required ?? false}
            disabled={required === null || busy}
            onChange={(e) => void change(e.target.checked)}
            aria-describedby={refusal === null ? helpId : `${errorId} ${helpId}`}
            {...(refusal === null ? {} : { 'aria-invalid': true })}
            data-testid="disp-required"
          />{' '}
          {t('desk.disp.required')}
        </label>
      )}
      <p className="help" id={helpId}>
        {t('desk.disp.requiredHelp')}
      </p>
      {refusal !== null && (
        <p className="inline-error" role="alert" id={errorId} data-testid="disp-required-error">
          {words === null ? (
            t('desk.saveFailed', { message: errorText(refusal, t) })
          ) : (
            <>
              {t('desk.disp.requiredRefused')}{' '}
              {/* The hub answers in English whatever the console's language. */}
              <bdi lang="en">{words}</bdi>
            </>
          )}
        </p>
      )}
      {saved !== null && (
        <p className="form-ok" role="status" data-testid="disp-required-saved">
          {t(saved ? 'desk.disp.requiredOn' : 'desk.disp.requiredOff')}
        </p>
      )}
      {required === true && activeCodes === 0 && (
        <p className="warn-text" data-testid="disp-required-idle">
          {t('desk.disp.requiredNoCodes')}
        </p>
      )}
    </section>
  );
}
