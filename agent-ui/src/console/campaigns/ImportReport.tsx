import { useI18n } from '../i18n/context.js';
import type { ImportState } from './campaignsApi.js';

const SHOWN = 200;

/** What an import did: its counts, and each row it left out with the line it was on. */
export function ImportReport({ state }: { state: ImportState }) {
  const { t, number } = useI18n();
  const report = state.report ?? [];
  const left = state.invalid + state.duplicates + state.dnc;
  return (
    <div className="import-report" data-testid="import-report">
      {state.status === 'done' && (
        <p role="status" data-testid="import-summary">
          {t('dialer.import.done', { imported: state.imported, invalid: state.invalid, duplicates: state.duplicates, dnc: state.dnc })}
        </p>
      )}
      {state.status === 'failed' && (
        <p className="inline-error" role="alert" dir="auto" data-testid="import-error">
          {t('dialer.import.failed', { message: state.error ?? '' })}
        </p>
      )}
      {report.length > 0 && (
        <>
          <h4>{t('dialer.import.report')}</h4>
          {left > Math.min(report.length, SHOWN) && <p className="help">{t('dialer.import.reportTruncated', { shown: Math.min(report.length, SHOWN), count: left })}</p>}
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('dialer.import.line')}</th>
                <th scope="col">{t('dialer.import.reason')}</th>
                <th scope="col">{t('dialer.import.value')}</th>
              </tr>
            </thead>
            <tbody>
              {report.slice(0, SHOWN).map((p) => (
                <tr key={`${p.line}-${p.reason}`} data-testid="import-problem">
                  <td>{number(p.line)}</td>
                  <td>{t(`dialer.reason.${p.reason}`)}</td>
                  <td dir="auto">
                    <code>{p.value ?? ''}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
