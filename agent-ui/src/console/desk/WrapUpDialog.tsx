import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { FieldError, FormErrors, invalidProps } from '../admin/FieldError.js';
import { fromFailure, NO_ERRORS, unclaimed, type FieldErrors } from '../admin/fieldErrors.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import type { Disposition } from './api.js';
import './desk.css';

export interface WrapUpInput {
  dispositionCode: string;
  note: string;
}

interface Props {
  /** The active codes; the agent must choose one. */
  dispositions: readonly Disposition[];
  /** 'close': submitting closes the conversation; 'after': it already ended, this records the outcome. */
  mode: 'close' | 'after';
  onSubmit: (wrapUp: WrapUpInput) => Promise<void>;
  /** Only when closing: back out without closing. */
  onCancel?: () => void;
}

export const dispositionLabel = (d: Disposition, lang: string) => (lang === 'fa' ? d.labelFa : d.labelEn);

/** Asks for the disposition (required) and an optional note when a conversation ends. */
export function WrapUpDialog({ dispositions, mode, onSubmit, onCancel }: Props) {
  const { t, lang } = useI18n();
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const selectRef = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    selectRef.current?.focus();
  }, []);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    setGeneral(null);
    if (!code) {
      setErrors({ dispositionCode: [t('desk.wrap.required')] });
      selectRef.current?.focus();
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(true);
    try {
      await onSubmit({ dispositionCode: code, note: note.trim() });
    } catch (err) {
      const failure = fromFailure(err);
      // The hub calls the note `wrapUpNote` on close and `note` on PUT …/wrap-up; one field here.
      const fields: Record<string, readonly string[]> = { ...failure.fields };
      if (fields['wrapUpNote']) fields['note'] = fields['wrapUpNote'];
      delete fields['wrapUpNote'];
      setErrors(fields);
      setGeneral(failure.general);
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape' && onCancel) {
      e.preventDefault();
      onCancel();
    }
  }

  const rest = unclaimed(errors, [{ path: 'dispositionCode' }, { path: 'note' }]);
  return (
    <div className="modal-backdrop">
      <div className="modal wrapup-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown} data-testid="wrapup-dialog">
        <h2 id={titleId}>{t('desk.wrap.title')}</h2>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <FormErrors general={general === null ? null : errorText(general, t)} rest={rest} />
          <div className="field">
            <label>
              <span className="field-label">{t('desk.wrap.disposition')}</span>
              <select ref={selectRef} value={code} onChange={(e) => setCode(e.target.value)} required {...invalidProps(errors, 'dispositionCode')} data-testid="wrapup-code">
                <option value="">{t('desk.wrap.choose')}</option>
                {dispositions.map((d) => (
                  <option key={d.id} value={d.code}>
                    {dispositionLabel(d, lang)}
                  </option>
                ))}
              </select>
            </label>
            <FieldError errors={errors} path="dispositionCode" />
          </div>
          <div className="field">
            <label>
              <span className="field-label">{t('desk.wrap.note')}</span>
              <textarea dir={note ? 'auto' : undefined} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} {...invalidProps(errors, 'note')} data-testid="wrapup-note" />
            </label>
            <FieldError errors={errors} path="note" />
          </div>
          <div className="modal-actions">
            <button type="submit" className="primary" disabled={busy} data-testid="wrapup-submit">
              {busy ? t('desk.saving') : t(mode === 'close' ? 'desk.wrap.submitClose' : 'desk.wrap.submit')}
            </button>
            {onCancel && (
              <button type="button" onClick={onCancel} disabled={busy}>
                {t('desk.cancel')}
              </button>
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
