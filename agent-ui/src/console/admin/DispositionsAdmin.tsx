import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/errorText.js';
import { createDisposition, listDispositions, updateDisposition, type Disposition } from '../desk/api.js';
import { DispositionRequirement } from './DispositionRequirement.js';
import { LoadStatus } from './LoadStatus.js';
import { useI18n } from '../i18n/context.js';
import { AdminTable } from './AdminTable.js';
import { Field } from './Field.js';
import { FieldError, FormErrors, invalidProps } from './FieldError.js';
import { ErrorCollector, fromFailure, NO_ERRORS, unclaimed, type FieldErrors } from './fieldErrors.js';
import { useFocusFirstInvalid } from './useFocusFirstInvalid.js';
import '../desk/desk.css';

/** Disposition codes: a list with (de)activation, a form for new codes and for relabelling. */
export function DispositionsAdmin() {
  const { t, lang } = useI18n();
  const [list, setList] = useState<Disposition[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Disposition | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setList(await listDispositions(false));
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function toggle(d: Disposition) {
    setActionError(null);
    try {
      await updateDisposition(d.id, { active: !d.active });
      setSaved(d.code);
      await load();
    } catch (err) {
      setActionError(err);
    }
  }

  const label = (d: Disposition) => (lang === 'fa' ? d.labelFa : d.labelEn);

  return (
    <section aria-labelledby="disp-title" data-testid="dispositions-page">
      <div className="page-header">
        <h2 id="disp-title">{t('desk.disp.title')}</h2>
        {editing === null && (
          <button type="button" className="primary" onClick={() => (setEditing('new'), setSaved(null))} data-testid="disp-new">
            {t('desk.disp.new')}
          </button>
        )}
      </div>
      <DispositionRequirement activeCodes={list === null ? null : list.filter((d) => d.active).length} />
      {saved !== null && (
        <p className="form-ok" role="status" data-testid="admin-saved">
          {t('desk.disp.saved', { name: saved })}
        </p>
      )}
      {actionError !== null && (
        <p className="inline-error" role="alert">
          {t('desk.saveFailed', { message: errorText(actionError, t) })}
        </p>
      )}
      {editing !== null && (
        <DispositionForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(d) => {
            setEditing(null);
            setSaved(d.code);
            void load();
          }}
        />
      )}
      <LoadStatus list={list} error={loadError} onRetry={() => void load()} empty={t('desk.disp.none')} />
      {list !== null && list.length > 0 && (
        <AdminTable testId="disp-table" columns={[t('desk.disp.code'), t('desk.disp.labelEn'), t('desk.disp.labelFa'), t('desk.disp.active')]}>
          {list.map((d) => (
            <tr key={d.id} data-testid="disp-row" className={d.active ? undefined : 'row-idle'}>
              <th scope="row">
                <code dir="ltr">{d.code}</code>
              </th>
              <td>
                <bdi>{d.labelEn}</bdi>
              </td>
              <td>
                <bdi>{d.labelFa}</bdi>
              </td>
              <td>{t(d.active ? 'desk.disp.active' : 'desk.disp.inactive')}</td>
              <td>
                <button type="button" className="link" onClick={() => (setEditing(d), setSaved(null))} aria-label={t('desk.canned.editNamed', { name: label(d) })}>
                  {t('desk.canned.edit')}
                </button>{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => void toggle(d)}
                  aria-label={t(d.active ? 'desk.disp.deactivateNamed' : 'desk.disp.activateNamed', { name: label(d) })}
                >
                  {t(d.active ? 'desk.disp.deactivate' : 'desk.disp.activate')}
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}

function DispositionForm({ initial, onCancel, onSaved }: { initial: Disposition | null; onCancel: () => void; onSaved: (d: Disposition) => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState(initial?.code ?? '');
  const [labelEn, setLabelEn] = useState(initial?.labelEn ?? '');
  const [labelFa, setLabelFa] = useState(initial?.labelFa ?? '');
  const [active, setActive] = useState(initial?.active ?? true);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const c = new ErrorCollector();
    if (!initial && !code.trim()) c.add('code', t('form.required'));
    if (!labelEn.trim()) c.add('labelEn', t('form.required'));
    if (!labelFa.trim()) c.add('labelFa', t('form.required'));
    setGeneral(null);
    if (!c.empty) {
      setErrors(c.errors);
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(true);
    try {
      onSaved(
        initial
          ? await updateDisposition(initial.id, { labelEn: labelEn.trim(), labelFa: labelFa.trim(), active })
          : await createDisposition({ code: code.trim(), labelEn: labelEn.trim(), labelFa: labelFa.trim(), active }),
      );
    } catch (err) {
      const failure = fromFailure(err, { code_taken: 'code' });
      setErrors(failure.fields);
      setGeneral(failure.general);
      setBusy(false);
    }
  }

  const claims = ['code', 'labelEn', 'labelFa', 'active'].map((path) => ({ path }));
  return (
    <form ref={formRef} className="admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="disp-form">
      <FormErrors general={general === null ? null : errorText(general, t)} rest={unclaimed(errors, claims)} />
      <Field label={t('desk.disp.code')} help={t('desk.disp.codeHelp')} error={<FieldError errors={errors} path="code" />}>
        <input type="text" dir="ltr" value={code} maxLength={40} disabled={initial !== null} onChange={(e) => setCode(e.target.value)} {...invalidProps(errors, 'code')} data-testid="disp-code" />
      </Field>
      <Field label={t('desk.disp.labelEn')} error={<FieldError errors={errors} path="labelEn" />}>
        <input type="text" dir="ltr" lang="en" value={labelEn} maxLength={80} onChange={(e) => setLabelEn(e.target.value)} {...invalidProps(errors, 'labelEn')} data-testid="disp-label-en" />
      </Field>
      <Field label={t('desk.disp.labelFa')} error={<FieldError errors={errors} path="labelFa" />}>
        <input type="text" dir="rtl" lang="fa" value={labelFa} maxLength={80} onChange={(e) => setLabelFa(e.target.value)} {...invalidProps(errors, 'labelFa')} data-testid="disp-label-fa" />
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> {t('desk.disp.active')}
      </label>
      <div className="modal-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="disp-save">
          {busy ? t('desk.saving') : t('desk.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('desk.cancel')}
        </button>
      </div>
    </form>
  );
}
