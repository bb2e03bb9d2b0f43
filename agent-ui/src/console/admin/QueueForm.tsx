import { useRef, useState, type FormEvent } from 'react';
import type { Channel } from '../../../../src/contracts/index.js';
import { CHANNELS, createQueue, STRATEGIES, updateQueue, type QueueRow, type Strategy } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { Field } from './Field.js';
import { FieldError, FormErrors, invalidProps } from './FieldError.js';
import { fromFailure, NO_ERRORS, unclaimed, type FieldErrors } from './fieldErrors.js';
import { bodyOf, changedFields, draftOf, newStep, type QueueDraft, type StepDraft } from './queueDraft.js';
import { useFocusFirstInvalid } from './useFocusFirstInvalid.js';

interface Props {
  /** The queue to edit; a new queue when absent. */
  queue?: QueueRow;
  /** Every queue, for the overflow targets of escalation steps. */
  queues: readonly QueueRow[];
  onCancel: () => void;
  onSaved: (queue: QueueRow) => void;
}

const EXAMPLES = ['{"skill": "billing", "minLevel": 3}', '{"all": [{"skill": "billing"}, {"skill": "persian"}]}', '{"any": [{"skill": "vip"}, {"skill": "billing", "minLevel": 8}]}'];

export function QueueForm({ queue, queues, onCancel, onSaved }: Props) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<QueueDraft>(() => draftOf(queue));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [nothingChanged, setNothingChanged] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const set = <K extends keyof QueueDraft>(key: K, value: QueueDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setNothingChanged(false);
  };
  const setStep = (key: number, patch: Partial<StepDraft>) =>
    set(
      'escalation',
      draft.escalation.map((s) => (s.key === key ? { ...s, ...patch } : s)),
    );

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
    let request: Promise<QueueRow>;
    if (queue) {
      const patch = changedFields(body, queue);
      if (Object.keys(patch).length === 0) {
        setNothingChanged(true);
        return;
      }
      request = updateQueue(queue.id, patch);
    } else {
      request = createQueue(body);
    }
    setBusy(true);
    try {
      onSaved(await request);
    } catch (err) {
      const f = fromFailure(err, { name_taken: 'name' });
      setErrors(f.fields);
      setGeneral(f.general);
    } finally {
      setBusy(false);
    }
  }

  const others = queues.filter((q) => q.id !== queue?.id);
  const claims = [
    { path: 'name' },
    { path: 'channel' },
    { path: 'requirement', nested: true },
    { path: 'priority' },
    { path: 'serviceLevel', nested: true },
    { path: 'strategy' },
    { path: 'escalation' },
    ...draft.escalation.flatMap((_, i) => [
      { path: `escalation.${i}`, nested: true },
    ]),
    { path: 'predictiveEscalation' },
    { path: 'agingPerMinute' },
    { path: 'stickyWaitSeconds' },
    { path: 'wrapUpSeconds' },
  ];
  const title = queue ? t('admin.editQueue', { name: queue.name }) : t('admin.newQueue');

  return (
    <form ref={formRef} className="admin-form card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="queue-form-title" data-testid="queue-form">
      <h3 id="queue-form-title">
        {title}
      </h3>
      <FormErrors general={general === null ? null : errorText(general, t)} rest={unclaimed(errors, claims)} />

      <div className="form-grid">
        <Field label={t('admin.name')} error={<FieldError errors={errors} path="name" />}>
          <input dir="auto" value={draft.name} onChange={(e) => set('name', e.target.value)} data-testid="queue-name" {...invalidProps(errors, 'name')} />

        </Field>
        <Field label={t('admin.channel')} help={queue?.isDefault ? t('admin.defaultChannelHelp') : undefined} error={<FieldError errors={errors} path="channel" />}>
          <select value={draft.channel} disabled={queue?.isDefault === true} onChange={(e) => set('channel', e.target.value as Channel)} data-testid="queue-channel" {...invalidProps(errors, 'channel')}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>

        </Field>
        <Field label={t('admin.priority')} help={t('admin.priorityHelp')} error={<FieldError errors={errors} path="priority" />}>
          <input dir="ltr" inputMode="numeric" value={draft.priority} onChange={(e) => set('priority', e.target.value)} data-testid="queue-priority" {...invalidProps(errors, 'priority')} />

        </Field>
        <Field label={t('admin.strategy')} help={t(`strategy.${draft.strategy}.help`)} error={<FieldError errors={errors} path="strategy" />}>
          <select value={draft.strategy} onChange={(e) => set('strategy', e.target.value as Strategy)} data-testid="queue-strategy" {...invalidProps(errors, 'strategy')}>
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t(`strategy.${s}`)}
              </option>
            ))}
          </select>

        </Field>
      </div>

      <fieldset>
        <legend>{t('admin.serviceLevel')}</legend>
        <p className="help">{t('admin.serviceLevelHelp')}</p>
        <div className="form-grid">
          <Field label={t('admin.slTarget')} error={<FieldError errors={errors} path="serviceLevel.targetFraction" />}>
            <span className="with-unit">
              <input dir="ltr" inputMode="decimal" value={draft.slTargetPercent} onChange={(e) => set('slTargetPercent', e.target.value)} data-testid="queue-sl-target" {...invalidProps(errors, 'serviceLevel.targetFraction')} />
              <span className="unit">%</span>
            </span>

          </Field>
          <Field label={t('admin.slThreshold')} error={<FieldError errors={errors} path="serviceLevel.thresholdSeconds" />}>
            <span className="with-unit">
              <input dir="ltr" inputMode="numeric" value={draft.slThresholdSeconds} onChange={(e) => set('slThresholdSeconds', e.target.value)} data-testid="queue-sl-threshold" {...invalidProps(errors, 'serviceLevel.thresholdSeconds')} />
              <span className="unit">{t('unit.seconds')}</span>
            </span>

          </Field>
        </div>
        <FieldError errors={errors} path="serviceLevel" />
      </fieldset>

      <fieldset>
        <legend>{t('admin.requirement')}</legend>
        <div className="help" id="requirement-help">
          <p>{t('admin.requirementHelp')}</p>
          <ul className="examples" dir="ltr">
            {EXAMPLES.map((ex) => (
              <li key={ex}>
                <code>{ex}</code>{' '}
                <button type="button" className="link" onClick={() => set('requirement', ex)} lang={undefined}>
                  {t('admin.useExample')}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <textarea
          className="code"
          dir="ltr"
          rows={4}
          spellCheck={false}
          aria-label={t('admin.requirement')}
          placeholder={t('admin.requirementEmpty')}
          value={draft.requirement}
          onChange={(e) => set('requirement', e.target.value)}
          data-testid="queue-requirement"
          {...invalidProps(errors, 'requirement', true)}
        />
        <FieldError errors={errors} path="requirement" nested />
      </fieldset>

      <fieldset data-testid="escalation-editor">
        <legend>{t('admin.escalation')}</legend>
        <p className="help">{t('admin.escalationHelp')}</p>
        <ol className="steps">
          {draft.escalation.map((s, i) => (
            <li key={s.key} className="step" data-testid="escalation-step">
              <div className="step-header">
                <strong>{t('admin.step', { n: i + 1 })}</strong>
                <button type="button" className="link remove" onClick={() => set('escalation', draft.escalation.filter((x) => x.key !== s.key))}>
                  {t('common.remove')}
                </button>
              </div>
              <div className="form-grid">
                <Field label={t('admin.afterSeconds')} error={<FieldError errors={errors} path={`escalation.${i}.afterSeconds`} />}>
                  <input dir="ltr" inputMode="numeric" value={s.afterSeconds} onChange={(e) => setStep(s.key, { afterSeconds: e.target.value })} data-testid="step-after" {...invalidProps(errors, `escalation.${i}.afterSeconds`)} />

                </Field>
                <Field label={t('admin.lowerBy')} help={t('admin.lowerByHelp')} error={<FieldError errors={errors} path={`escalation.${i}.lowerMinLevelBy`} />}>
                  <input dir="ltr" inputMode="numeric" value={s.lowerMinLevelBy} onChange={(e) => setStep(s.key, { lowerMinLevelBy: e.target.value })} data-testid="step-lower" {...invalidProps(errors, `escalation.${i}.lowerMinLevelBy`)} />

                </Field>
                <Field label={t('admin.overflow')} error={<FieldError errors={errors} path={`escalation.${i}.overflowToQueueId`} />}>
                  <select value={s.overflowToQueueId} onChange={(e) => setStep(s.key, { overflowToQueueId: e.target.value })} data-testid="step-overflow" {...invalidProps(errors, `escalation.${i}.overflowToQueueId`)}>
                    <option value="">{t('admin.noOverflow')}</option>
                    {others.map((q) => (
                      <option key={q.id} value={q.id}>
                        {q.name}
                      </option>
                    ))}
                  </select>

                </Field>
              </div>
              <Field label={t('admin.alsoAccept')} help={t('admin.alsoAcceptHelp')} error={<FieldError errors={errors} path={`escalation.${i}.alsoAccept`} nested />}>
                <textarea className="code" dir="ltr" rows={2} spellCheck={false} value={s.alsoAccept} onChange={(e) => setStep(s.key, { alsoAccept: e.target.value })} data-testid="step-also" {...invalidProps(errors, `escalation.${i}.alsoAccept`, true)} />

              </Field>
              <FieldError errors={errors} path={`escalation.${i}`} />
            </li>
          ))}
        </ol>
        <FieldError errors={errors} path="escalation" />
        <button type="button" onClick={() => set('escalation', [...draft.escalation, newStep()])} data-testid="step-add">
          {t('admin.addStep')}
        </button>
        <label className="check">
          <input type="checkbox" checked={draft.predictiveEscalation} onChange={(e) => set('predictiveEscalation', e.target.checked)} data-testid="queue-predictive" />
          <span>{t('admin.predictive')}</span>
        </label>
        <p className="help">{t('admin.predictiveHelp')}</p>
        <FieldError errors={errors} path="predictiveEscalation" />
      </fieldset>

      <fieldset>
        <legend>{t('admin.timing')}</legend>
        <div className="form-grid">
          <Field label={t('admin.aging')} help={t('admin.agingHelp')} error={<FieldError errors={errors} path="agingPerMinute" />}>
            <input dir="ltr" inputMode="decimal" value={draft.agingPerMinute} onChange={(e) => set('agingPerMinute', e.target.value)} data-testid="queue-aging" {...invalidProps(errors, 'agingPerMinute')} />

          </Field>
          <Field label={t('admin.sticky')} help={t('admin.stickyHelp')} error={<FieldError errors={errors} path="stickyWaitSeconds" />}>
            <span className="with-unit">
              <input dir="ltr" inputMode="numeric" value={draft.stickyWaitSeconds} onChange={(e) => set('stickyWaitSeconds', e.target.value)} data-testid="queue-sticky" {...invalidProps(errors, 'stickyWaitSeconds')} />
              <span className="unit">{t('unit.seconds')}</span>
            </span>

          </Field>
          <Field label={t('admin.wrapUp')} help={t('admin.wrapUpHelp')} error={<FieldError errors={errors} path="wrapUpSeconds" />}>
            <span className="with-unit">
              <input dir="ltr" inputMode="numeric" value={draft.wrapUpSeconds} onChange={(e) => set('wrapUpSeconds', e.target.value)} data-testid="queue-wrapup" {...invalidProps(errors, 'wrapUpSeconds')} />
              <span className="unit">{t('unit.seconds')}</span>
            </span>

          </Field>
        </div>
      </fieldset>

      {nothingChanged && (
        <p className="muted" role="status">
          {t('admin.nothingChanged')}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="queue-save">
          {busy ? t('admin.saving') : queue ? t('admin.save') : t('admin.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
