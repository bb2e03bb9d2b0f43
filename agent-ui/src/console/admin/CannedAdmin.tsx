import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Channel } from '../../../../src/contracts/index.js';
import { unknownPlaceholders } from '../../../../src/desk/placeholders.js';
import { CHANNELS, listQueues, type QueueRow } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { createCanned, deleteCanned, listCanned, updateCanned, type CannedBody, type CannedResponse, type DeskLanguage } from '../desk/api.js';
import { LoadStatus } from './LoadStatus.js';
import { useI18n } from '../i18n/context.js';
import { AdminTable } from './AdminTable.js';
import { Field } from './Field.js';
import { FieldError, FormErrors, invalidProps } from './FieldError.js';
import { ErrorCollector, fromFailure, NO_ERRORS, unclaimed, type FieldErrors } from './fieldErrors.js';
import { useFocusFirstInvalid } from './useFocusFirstInvalid.js';
import '../desk/desk.css';

type Confirmation = { key: 'desk.canned.saved' | 'desk.canned.deleted'; name: string };

/** Canned responses: the list, and one form for a new or an existing response. */
export function CannedAdmin() {
  const { t } = useI18n();
  const [list, setList] = useState<CannedResponse[] | null>(null);
  const [queues, setQueues] = useState<QueueRow[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const [done, setDone] = useState<Confirmation | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const [canned, qs] = await Promise.all([listCanned(), listQueues()]);
      setList(canned);
      setQueues(qs);
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function remove(c: CannedResponse) {
    if (!window.confirm(t('desk.canned.confirmDelete', { name: c.title }))) return;
    setActionError(null);
    try {
      await deleteCanned(c.id);
      setDone({ key: 'desk.canned.deleted', name: c.title });
      if (editing !== 'new' && editing?.id === c.id) setEditing(null);
      await load();
    } catch (err) {
      setActionError(err);
    }
  }

  const queueName = (id: string | null) => queues.find((q) => q.id === id)?.name ?? id;

  return (
    <section aria-labelledby="canned-title" data-testid="canned-page">
      <div className="page-header">
        <h2 id="canned-title">{t('desk.canned.title')}</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => (setEditing('new'), setDone(null))} data-testid="canned-new">
            {t('desk.canned.new')}
          </button>
        )}
      </div>
      {done && (
        <p className="form-ok" role="status" data-testid="admin-saved">
          {t(done.key, { name: done.name })}
        </p>
      )}
      {actionError !== null && (
        <p className="inline-error" role="alert">
          {t('desk.saveFailed', { message: errorText(actionError, t) })}
        </p>
      )}
      {editing !== null && (
        <CannedForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? null : editing}
          queues={queues}
          onCancel={() => setEditing(null)}
          onSaved={(c) => {
            setEditing(null);
            setDone({ key: 'desk.canned.saved', name: c.title });
            void load();
          }}
        />
      )}
      <LoadStatus list={list} error={loadError} onRetry={() => void load()} empty={t('desk.canned.none')} />
      {list !== null && list.length > 0 && (
        <AdminTable testId="canned-table" columns={[t('desk.canned.titleField'), t('desk.canned.shortcut'), t('desk.canned.language'), t('desk.canned.scope')]}>
          {list.map((c) => (
            <tr key={c.id} data-testid="canned-row">
              <th scope="row">
                <bdi>{c.title}</bdi>
              </th>
              <td>
                <code dir="ltr">/{c.shortcut}</code>
              </td>
              <td>{t(`desk.lang.${c.language}`)}</td>
              <td>
                {c.queueId === null && c.channel === null && <span className="muted">{t('desk.canned.everywhere')}</span>}
                {c.queueId !== null && <bdi>{queueName(c.queueId)}</bdi>} {c.channel !== null && t(`channel.${c.channel}`)}
              </td>
              <td>
                <button type="button" className="link" onClick={() => (setEditing(c), setDone(null))} aria-label={t('desk.canned.editNamed', { name: c.title })}>
                  {t('desk.canned.edit')}
                </button>{' '}
                <button type="button" className="link" onClick={() => void remove(c)} aria-label={t('desk.canned.deleteNamed', { name: c.title })}>
                  {t('desk.canned.delete')}
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}

function CannedForm({ initial, queues, onCancel, onSaved }: { initial: CannedResponse | null; queues: QueueRow[]; onCancel: () => void; onSaved: (c: CannedResponse) => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(initial?.title ?? '');
  const [shortcut, setShortcut] = useState(initial?.shortcut ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [language, setLanguage] = useState<DeskLanguage>(initial?.language ?? 'en');
  const [queueId, setQueueId] = useState(initial?.queueId ?? '');
  const [channel, setChannel] = useState<Channel | ''>(initial?.channel ?? '');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const c = new ErrorCollector();
    if (!title.trim()) c.add('title', t('form.required'));
    if (!shortcut.trim()) c.add('shortcut', t('form.required'));
    if (!body.trim()) c.add('body', t('form.required'));
    const unknown = unknownPlaceholders(body);
    if (unknown.length > 0) c.add('body', t('desk.canned.unknown', { names: unknown.map((n) => `{{${n}}}`).join(', ') }));
    setGeneral(null);
    if (!c.empty) {
      setErrors(c.errors);
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(true);
    const payload: CannedBody = { title: title.trim(), shortcut: shortcut.trim(), body, language, queueId: queueId || null, channel: channel || null };
    try {
      onSaved(initial ? await updateCanned(initial.id, payload) : await createCanned(payload));
    } catch (err) {
      const failure = fromFailure(err, { shortcut_taken: 'shortcut' });
      setErrors(failure.fields);
      setGeneral(failure.general);
      setBusy(false);
    }
  }

  const claims = ['title', 'shortcut', 'body', 'language', 'queueId', 'channel'].map((path) => ({ path }));
  return (
    <form ref={formRef} className="admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="canned-form">
      <FormErrors general={general === null ? null : errorText(general, t)} rest={unclaimed(errors, claims)} />
      <Field label={t('desk.canned.titleField')} error={<FieldError errors={errors} path="title" />}>
        <input type="text" dir="auto" value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} {...invalidProps(errors, 'title')} data-testid="canned-title" />
      </Field>
      <Field label={t('desk.canned.shortcut')} help={t('desk.canned.shortcutHelp')} error={<FieldError errors={errors} path="shortcut" />}>
        <input type="text" dir="ltr" value={shortcut} maxLength={32} onChange={(e) => setShortcut(e.target.value)} {...invalidProps(errors, 'shortcut')} data-testid="canned-shortcut" />
      </Field>
      <Field label={t('desk.canned.language')} error={<FieldError errors={errors} path="language" />}>
        <select value={language} onChange={(e) => setLanguage(e.target.value === 'fa' ? 'fa' : 'en')} data-testid="canned-language">
          <option value="en">{t('desk.lang.en')}</option>
          <option value="fa">{t('desk.lang.fa')}</option>
        </select>
      </Field>
      <Field label={t('desk.canned.body')} help={<span dir="ltr">{t('desk.canned.bodyHelp')}</span>} error={<FieldError errors={errors} path="body" />}>
        <textarea dir="auto" rows={5} value={body} maxLength={5000} onChange={(e) => setBody(e.target.value)} {...invalidProps(errors, 'body')} data-testid="canned-body" />
      </Field>
      <Field label={t('desk.canned.queue')} error={<FieldError errors={errors} path="queueId" />}>
        <select value={queueId} onChange={(e) => setQueueId(e.target.value)} {...invalidProps(errors, 'queueId')}>
          <option value="">{t('desk.canned.anyQueue')}</option>
          {queues.map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('desk.canned.channel')} error={<FieldError errors={errors} path="channel" />}>
        <select value={channel} onChange={(e) => setChannel(CHANNELS.find((c) => c === e.target.value) ?? '')} {...invalidProps(errors, 'channel')}>
          <option value="">{t('desk.canned.anyChannel')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </select>
      </Field>
      <div className="modal-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="canned-save">
          {busy ? t('desk.saving') : t('desk.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('desk.cancel')}
        </button>
      </div>
    </form>
  );
}
