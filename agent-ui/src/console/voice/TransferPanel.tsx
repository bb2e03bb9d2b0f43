// Hand the call on: to an agent (cold: they get it as soon as they answer;
// warm: talk to them first while the caller holds) or back into a queue.
import { useEffect, useId, useState } from 'react';
import type { VoiceTransferTargetsDto } from '../../../../src/contracts/index.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import type { TransferRequest, VoiceApi } from './voiceApi.js';

interface Props {
  api: VoiceApi;
  onSubmit: (body: TransferRequest) => Promise<void>;
  onCancel: () => void;
}

export function TransferPanel({ api, onSubmit, onCancel }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [targets, setTargets] = useState<VoiceTransferTargetsDto | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [kind, setKind] = useState<'agent' | 'queue'>('agent');
  const [mode, setMode] = useState<'cold' | 'warm'>('cold');
  const [target, setTarget] = useState('');

  useEffect(() => {
    let live = true;
    api.transferTargets().then(
      (res) => live && setTargets(res),
      (err: unknown) => live && setLoadError(errorText(err, t)),
    );
    return () => {
      live = false;
    };
  }, [api, t]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!target) return;
    void onSubmit(kind === 'queue' ? { mode: 'cold', queue: target } : { mode, agentId: target });
  };

  if (loadError) return <p role="alert">{loadError}</p>;
  if (!targets) return <p className="muted">{t('common.loading')}</p>;
  const options = kind === 'agent' ? targets.agents.map((a) => ({ value: a.id, label: a.canTakeCall ? a.name : t('voice.transfer.busyAgent', { name: a.name }) })) : targets.queues.map((q) => ({ value: q.name, label: q.name }));

  return (
    <form className="transfer-panel" onSubmit={submit} data-testid="transfer-panel">
      <fieldset>
        <legend>{t('voice.transfer.to')}</legend>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === 'agent'} onChange={() => (setKind('agent'), setTarget(''))} /> {t('voice.transfer.agent')}
        </label>
        <label>
          <input type="radio" name={`${id}-kind`} checked={kind === 'queue'} onChange={() => (setKind('queue'), setTarget(''), setMode('cold'))} /> {t('voice.transfer.queue')}
        </label>
      </fieldset>
      <label htmlFor={`${id}-target`}>{kind === 'agent' ? t('voice.transfer.agent') : t('voice.transfer.queue')}</label>
      <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)} data-testid="transfer-target" dir="auto">
        <option value="">{t('voice.transfer.choose')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {kind === 'agent' && (
        <fieldset>
          <legend>{t('voice.transfer.how')}</legend>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'cold'} onChange={() => setMode('cold')} /> {t('voice.transfer.cold')}
          </label>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'warm'} onChange={() => setMode('warm')} /> {t('voice.transfer.warm')}
          </label>
        </fieldset>
      )}
      <div className="transfer-actions">
        <button type="submit" disabled={!target} data-testid="transfer-submit">
          {t('voice.transfer.submit')}
        </button>
        <button type="button" className="link" onClick={onCancel}>
          {t('voice.transfer.cancel')}
        </button>
      </div>
    </form>
  );
}
