import { useI18n } from '../i18n/context.js';
import { ADMIN_TABS, hrefOf, type AdminTab } from '../workspace/route.js';
import { BusinessHoursAdmin } from './BusinessHoursAdmin.js';
import { CannedAdmin } from './CannedAdmin.js';
import { DispositionsAdmin } from './DispositionsAdmin.js';
import { QueuesAdmin } from './QueuesAdmin.js';
import { UsersAdmin } from './UsersAdmin.js';

/** Admin screens (admin role): forms over the hub's users and routing APIs. */
export function AdminPage({ tab }: { tab: AdminTab }) {
  const { t } = useI18n();
  return (
    <main className="page admin" data-testid="admin-page" aria-labelledby="admin-title">
      <div className="page-header">
        <h1 id="admin-title">{t('admin.title')}</h1>
        <nav className="sub-nav" aria-label={t('admin.title')}>
          {ADMIN_TABS.map((x) => (
            <a key={x} href={hrefOf('admin', x)} className={`nav-link${x === tab ? ' current' : ''}`} aria-current={x === tab ? 'page' : undefined} data-testid={`admin-tab-${x}`}>
              {t(`admin.${x}`)}
            </a>
          ))}
        </nav>
      </div>
      {tab === 'users' && <UsersAdmin />}
      {tab === 'queues' && <QueuesAdmin />}
      {tab === 'canned' && <CannedAdmin />}
      {tab === 'dispositions' && <DispositionsAdmin />}
      {tab === 'hours' && <BusinessHoursAdmin />}
    </main>
  );
}
