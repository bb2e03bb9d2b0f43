import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { getImport, uploadContacts, type ImportState } from './campaignsApi.js';
import { ImportReport } from './ImportReport.js';

const POLL_MS = 700;

/** Data lines in the file (not blank, not the header): the progress bar's end. */
function dataLines(text: string): number {
  let n = 0;
  for (const line of text.split(/\r\n|\n|\r/)) if (line.trim() !== '') n += 1;
  return Math.max(0, n - 1);
}

/** Upload a contact list, follow the import to its end, then show its report. */
export function ImportPanel({ campaignId, onFinished }: { campaignId: string; onFinished: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [region, setRegion] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [expected, setExpected] = useState(0);
  const [importId, setImportId] = useState<string | null>(null);
  const [state, setState] = useState<ImportState | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  // Poll while the import runs; stop on unmount or when it ends.
  useEffect(() => {
    if (!importId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await getImport(importId);
        if (stopped) return;
        setState(s);
        if (s.status === 'running') timer = setTimeout(() => void poll(), POLL_MS);
        else finished.current();
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [importId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file || busy) return;
    setBusy(true);
    setError(null);
    setState(null);
    try {
      setExpected(dataLines(await file.text()));
      setImportId(await uploadContacts(campaignId, file, { filename: file.name, ...(region ? { defaultRegion: region } : {}) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const processed = state ? state.imported + state.invalid + state.duplicates + state.dnc : 0;
  const max = Math.max(expected, state?.total ?? 0, 1);
  return (
    <section className="card import-panel" aria-labelledby={`import-title-${campaignId}`} data-testid="import-panel">
      <h3 id={`import-title-${campaignId}`}>{t('dialer.import.title')}</h3>
      <p className="help">{t('dialer.import.help')}</p>
      <form className="import-form" onSubmit={(e) => void submit(e)}>
        <label>
          <span className="field-label">{t('dialer.import.file')}</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
        </label>
        <label>
          <span className="field-label">{t('dialer.import.region')}</span>
          <select value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">{t('dialer.import.regionDefault')}</option>
            {['US', 'CA', 'GB', 'IE', 'AU', 'IR', 'DE', 'FR'].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!file || busy || state?.status === 'running'} data-testid="import-upload">
          {busy ? t('dialer.import.uploading') : t('dialer.import.upload')}
        </button>
      </form>
      {error !== null && (
        <p className="inline-error" role="alert" dir="auto">
          {t('dialer.actionFailed', { message: errorText(error, t) })}
        </p>
      )}
      {state && (
        <div className="import-progress">
          <progress aria-label={t('dialer.import.progress')} max={max} value={state.status === 'running' ? processed : max} data-testid="import-progress" />
          {state.status === 'running' && <span role="status">{t('dialer.import.running', { done: processed, total: max })}</span>}
        </div>
      )}
      {state && state.status !== 'running' && <ImportReport state={state} />}
    </section>
  );
}
