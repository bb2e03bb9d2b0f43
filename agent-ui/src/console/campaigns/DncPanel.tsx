import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { errorText } from '../api/errorText.js';
import { Field } from '../admin/Field.js';
import { FieldError, invalidProps } from '../admin/FieldError.js';
import { fromFailure, NO_ERRORS, type FieldErrors } from '../admin/fieldErrors.js';
import { useI18n } from '../i18n/context.js';
import { addDnc, listDnc, removeDnc, type DncEntry } from './campaignsApi.js';

/** The company do-not-call list: add a number, search, remove. */
export function DncPanel() {
  const { t, moment } = useI18n();
  const [entries, setEntries] = useState<DncEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [problem, setProblem] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ phone: string; stopped: number } | null>(null);

  const load = useCallback(async (q: string, after?: string) => {
    try {
      const page = await listDnc(q, after);
      setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
      setNext(page.nextCursor);
      setProblem(null);
    } catch (err) {
      setProblem(err);
    }
  }, []);

  useEffect(() => {
    void load(search);
  }, [load, search]);

  async function add(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    setNotice(null);
    try {
      const r = await addDnc(phone.trim(), reason.trim());
      setNotice({ phone: phone.trim(), stopped: r.contactsStopped });
      setPhone('');
      setReason('');
      void load(search);
    } catch (err) {
      const f = fromFailure(err);
      setErrors(f.fields);
      setProblem(f.general);
    }
  }

  async function remove(p: string) {
    try {
      await removeDnc(p);
      setEntries((old) => old.filter((x) => x.phone !== p));
    } catch (err) {
      setProblem(err);
    }
  }

  return (
    <section className="card dnc-panel" aria-labelledby="dnc-title" data-testid="dnc-panel">
      <h3 id="dnc-title">{t('dialer.dnc.title')}</h3>
      <p className="help">{t('dialer.dnc.help')}</p>
      <form className="form-grid" onSubmit={(e) => void add(e)} noValidate>
        <Field label={t('dialer.dnc.phone')} error={<FieldError errors={errors} path="phone" />}>
          <input dir="ltr" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} data-testid="dnc-phone" {...invalidProps(errors, 'phone')} />
        </Field>
        <Field label={t('dialer.dnc.reason')}>
          <input dir="auto" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={phone.trim() === ''} data-testid="dnc-add">
            {t('dialer.dnc.add')}
          </button>
        </div>
      </form>
      {notice && (
        <p className="form-ok" role="status">
          {t('dialer.dnc.added', { phone: notice.phone, stopped: notice.stopped })}
        </p>
      )}
      {problem !== null && (
        <p className="inline-error" role="alert" dir="auto">
          {t('dialer.actionFailed', { message: errorText(problem, t) })}
        </p>
      )}
      <label className="dnc-search">
        <span className="field-label">{t('dialer.dnc.search')}</span>
        <input type="search" dir="ltr" value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      {entries.length === 0 ? (
        <p className="muted">{t('dialer.dnc.empty')}</p>
      ) : (
        <table className="data-table" data-testid="dnc-list">
          <thead>
            <tr>
              <th scope="col">{t('dialer.dnc.phone')}</th>
              <th scope="col">{t('dialer.dnc.source')}</th>
              <th scope="col">{t('dialer.dnc.reason')}</th>
              <th scope="col">{t('dialer.dnc.added_at')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {entries.map((d) => (
              <tr key={d.phone}>
                <td dir="ltr">{d.phone}</td>
                <td>{t(`dialer.dnc.source.${d.source}`)}</td>
                <td dir="auto">{d.reason ?? ''}</td>
                <td>{moment(d.createdAt)}</td>
                <td>
                  <button type="button" className="link" onClick={() => void remove(d.phone)} aria-label={`${t('common.remove')} ${d.phone}`}>
                    {t('common.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={() => void load(search, next)}>
          {t('dialer.dnc.more')}
        </button>
      )}
    </section>
  );
}
