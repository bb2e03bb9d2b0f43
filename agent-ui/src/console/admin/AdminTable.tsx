import type { ReactNode } from 'react';
import { useI18n } from '../i18n/context.js';

/**
 * An admin list's table: it scrolls sideways on its own when narrow (never the
 * page), has one header per column label, and a last column for each row's
 * buttons whose header is for screen readers only. The rows are the children.
 */
export function AdminTable({ testId, columns, children }: { testId: string; columns: readonly string[]; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((label, i) => (
              <th key={i} scope="col">
                {label}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t('admin.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
