import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { QueueRow } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { Field } from '../admin/Field.js';
import { FieldError, FormErrors, invalidProps } from '../admin/FieldError.js';
import { fromFailure, NO_ERRORS, unclaimed, type FieldErrors } from '../admin/fieldErrors.js';
import { useFocusFirstInvalid } from '../admin/useFocusFirstInvalid.js';
import { useI18n } from '../i18n/context.js';
import { bodyOf, draftOf, type CampaignDraft } from './campaignDraft.js';
import { createCampaign, DIAL_MODES, PACING_POLICIES, RETRY_OUTCOMES, RULE_SETS, updateCampaign, WEEKDAYS, type Campaign, type RetryOutcome } from './campaignsApi.js';

interface Props {
  campaign?: Campaign;
  /** Voice queues to take the calls. */
  queues: readonly QueueRow[];
  onCancel: () => void;
  onSaved: (campaign: Campaign) => void;
}

// Every path this form shows beside a field; anything else the hub names goes to the banner.
const CLAIMS = [
  'name',
  'ruleSet',
  'mode',
  'pacing',
  'callerId',
  'queueId',
  'abandonTarget',
  'maxAttempts',
  'ringSeconds',
  'message',
  'message.text',
  'message.audioUrl',
  'machine',
  'machine.text',
  'machine.audioUrl',
  'callingWindow',
  'callingWindow.start',
  'callingWindow.end',
  'retry',
  ...RETRY_OUTCOMES.flatMap((o) => [`retry.${o}.gapMinutes`, `retry.${o}.maxAttempts`]),
].map((path) => ({ path }));
const NESTED_CLAIMS = [{ path: 'callingWindow.days', nested: true }];

/** Create or change a campaign; the hub's field errors appear beside the fields they name. */
export function CampaignForm({ campaign, queues, onCancel, onSaved }: Props) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<CampaignDraft>(() => draftOf(campaign));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const set = <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setRetry = (o: RetryOutcome, key: 'gapMinutes' | 'maxAttempts', value: string) => setDraft((d) => ({ ...d, retry: { ...d.retry, [o]: { ...d.retry[o], [key]: value } } }));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const { body, errors: clientErrors } = bodyOf(draft, t);
    setGeneral(null);
    if (clientErrors) {
      setErrors(clientErrors);
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(true);
    try {
      onSaved(campaign ? await updateCampaign(campaign.id, body) : await createCampaign(body));
    } catch (err) {
      const f = fromFailure(err, { name_taken: 'name' });
      setErrors(f.fields);
      setGeneral(f.general);
    } finally {
      setBusy(false);
    }
  }

  /** A text input with its label, help and errors, keyed by the hub's path. */
  const text = (path: string, label: string, value: string, onChange: (v: string) => void, opts: { help?: ReactNode; dir?: 'ltr' | 'auto'; inputMode?: 'numeric' | 'decimal' | 'tel' | 'url'; testId?: string; unit?: string } = {}) => {
    const input = <input dir={opts.dir ?? 'ltr'} inputMode={opts.inputMode} value={value} onChange={(e) => onChange(e.target.value)} data-testid={opts.testId} {...invalidProps(errors, path)} />;
    return (
      <Field label={label} help={opts.help} error={<FieldError errors={errors} path={path} />}>
        {opts.unit ? (
          <span className="with-unit">
            {input}
            <span className="unit">{opts.unit}</span>
          </span>
        ) : (
          input
        )}
      </Field>
    );
  };

  return (
    <form ref={formRef} className="admin-form card campaign-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="campaign-form-title" data-testid="campaign-form">
      <h3 id="campaign-form-title">{campaign ? t('dialer.editTitle', { name: campaign.name }) : t('dialer.newTitle')}</h3>
      <FormErrors general={general === null ? null : errorText(general, t)} rest={unclaimed(errors, [...CLAIMS, ...NESTED_CLAIMS])} />

      <div className="form-grid">
        {text('name', t('dialer.f.name'), draft.name, (v) => set('name', v), { dir: 'auto', testId: 'campaign-name' })}
        <Field label={t('dialer.f.ruleSet')} help={t('dialer.f.ruleSetHelp')} error={<FieldError errors={errors} path="ruleSet" />}>
          <select value={draft.ruleSet} onChange={(e) => set('ruleSet', e.target.value as CampaignDraft['ruleSet'])} data-testid="campaign-ruleset" {...invalidProps(errors, 'ruleSet')}>
            {RULE_SETS.map((r) => (
              <option key={r} value={r}>
                {t(`dialer.rules.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('dialer.f.mode')} error={<FieldError errors={errors} path="mode" />}>
          <select value={draft.mode} onChange={(e) => set('mode', e.target.value as CampaignDraft['mode'])} data-testid="campaign-mode" {...invalidProps(errors, 'mode')}>
            {DIAL_MODES.map((m) => (
              <option key={m} value={m}>
                {t(`dialer.mode.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('dialer.f.pacing')} help={t('dialer.f.pacingHelp')} error={<FieldError errors={errors} path="pacing" />}>
          <select dir="ltr" value={draft.pacing} onChange={(e) => set('pacing', e.target.value as CampaignDraft['pacing'])} data-testid="campaign-pacing" {...invalidProps(errors, 'pacing')}>
            {PACING_POLICIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        {text('callerId', t('dialer.f.callerId'), draft.callerId, (v) => set('callerId', v), { help: t('dialer.f.callerIdHelp'), inputMode: 'tel', testId: 'campaign-caller-id' })}
        <Field label={t('dialer.f.queue')} help={t('dialer.f.queueHelp')} error={<FieldError errors={errors} path="queueId" />}>
          <select value={draft.queueId} onChange={(e) => set('queueId', e.target.value)} data-testid="campaign-queue" {...invalidProps(errors, 'queueId')}>
            <option value="">{t('dialer.f.queueNone')}</option>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </Field>
        {text('abandonTarget', t('dialer.f.abandonTarget'), draft.abandonPercent, (v) => set('abandonPercent', v), { help: t('dialer.f.abandonHelp'), inputMode: 'decimal', unit: '%', testId: 'campaign-abandon' })}
        {text('ringSeconds', t('dialer.f.ringSeconds'), draft.ringSeconds, (v) => set('ringSeconds', v), { inputMode: 'numeric', testId: 'campaign-ring' })}
        {text('maxAttempts', t('dialer.f.maxAttemptsTotal'), draft.maxAttempts, (v) => set('maxAttempts', v), { inputMode: 'numeric', testId: 'campaign-max-attempts' })}
      </div>

      <fieldset data-testid="campaign-message">
        <legend>{t('dialer.f.message')}</legend>
        <p className="help">{t('dialer.f.messageHelp')}</p>
        <Field label={t('dialer.f.messageText')}>
          <textarea dir="auto" rows={2} value={draft.messageText} onChange={(e) => set('messageText', e.target.value)} data-testid="campaign-message-text" {...invalidProps(errors, 'message', true)} />
        </Field>
        <div className="form-grid">
          {text('message.audioUrl', t('dialer.f.audioUrl'), draft.messageAudioUrl, (v) => set('messageAudioUrl', v), { inputMode: 'url' })}
          <Field label={t('dialer.f.language')}>
            <select value={draft.messageLanguage} onChange={(e) => set('messageLanguage', e.target.value as 'en' | 'fa')}>
              <option value="en">{t('dialer.lang.en')}</option>
              <option value="fa">{t('dialer.lang.fa')}</option>
            </select>
          </Field>
        </div>
        <FieldError errors={errors} path="message" />
        <FieldError errors={errors} path="message.text" />
      </fieldset>

      <fieldset>
        <legend>{t('dialer.f.machine')}</legend>
        <div className="form-grid">
          <Field label={t('dialer.f.machineAction')}>
            <select value={draft.machineAction} onChange={(e) => set('machineAction', e.target.value as 'drop' | 'hangup')} data-testid="campaign-machine-action" {...invalidProps(errors, 'machine', true)}>
              <option value="hangup">{t('dialer.f.machine.hangup')}</option>
              <option value="drop">{t('dialer.f.machine.drop')}</option>
            </select>
          </Field>
          {draft.machineAction === 'drop' && text('machine.audioUrl', t('dialer.f.audioUrl'), draft.machineAudioUrl, (v) => set('machineAudioUrl', v), { inputMode: 'url' })}
        </div>
        {draft.machineAction === 'drop' && (
          <Field label={t('dialer.f.machineText')}>
            <textarea dir="auto" rows={2} value={draft.machineText} onChange={(e) => set('machineText', e.target.value)} />
          </Field>
        )}
        <FieldError errors={errors} path="machine" />
        <FieldError errors={errors} path="machine.text" />
      </fieldset>

      <fieldset>
        <legend>{t('dialer.f.window')}</legend>
        <p className="help">{t('dialer.f.windowHelp')}</p>
        <div className="form-grid">
          {text('callingWindow.start', t('dialer.f.start'), draft.windowStart, (v) => set('windowStart', v), { inputMode: 'numeric', testId: 'campaign-window-start' })}
          {text('callingWindow.end', t('dialer.f.end'), draft.windowEnd, (v) => set('windowEnd', v), { inputMode: 'numeric', testId: 'campaign-window-end' })}
        </div>
        <div className="campaign-days" role="group" aria-label={t('dialer.f.days')}>
          {WEEKDAYS.map((d) => (
            <label key={d} className="check">
              <input type="checkbox" checked={draft.days.includes(d)} onChange={(e) => set('days', e.target.checked ? [...draft.days, d] : draft.days.filter((x) => x !== d))} />
              <span>{t(`dialer.day.${d}`)}</span>
            </label>
          ))}
        </div>
        <FieldError errors={errors} path="callingWindow.days" nested />
        <FieldError errors={errors} path="callingWindow" />
      </fieldset>

      <fieldset>
        <legend>{t('dialer.f.retry')}</legend>
        <table className="campaign-retry">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">{t('dialer.f.gapMinutes')}</th>
              <th scope="col">{t('dialer.f.maxAttempts')}</th>
            </tr>
          </thead>
          <tbody>
            {RETRY_OUTCOMES.map((o) => (
              <tr key={o}>
                <th scope="row">{t(`dialer.outcome.${o}`)}</th>
                <td>
                  <input
                    dir="ltr"
                    inputMode="numeric"
                    aria-label={`${t(`dialer.outcome.${o}`)}: ${t('dialer.f.gapMinutes')}`}
                    value={draft.retry[o].gapMinutes}
                    onChange={(e) => setRetry(o, 'gapMinutes', e.target.value)}
                    data-testid={`campaign-retry-${o}-gap`}
                    {...invalidProps(errors, `retry.${o}.gapMinutes`)}
                  />
                  <FieldError errors={errors} path={`retry.${o}.gapMinutes`} />
                </td>
                <td>
                  <input
                    dir="ltr"
                    inputMode="numeric"
                    aria-label={`${t(`dialer.outcome.${o}`)}: ${t('dialer.f.maxAttempts')}`}
                    value={draft.retry[o].maxAttempts}
                    onChange={(e) => setRetry(o, 'maxAttempts', e.target.value)}
                    {...invalidProps(errors, `retry.${o}.maxAttempts`)}
                  />
                  <FieldError errors={errors} path={`retry.${o}.maxAttempts`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <FieldError errors={errors} path="retry" />
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="campaign-save">
          {busy ? t('dialer.saving') : t('dialer.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
