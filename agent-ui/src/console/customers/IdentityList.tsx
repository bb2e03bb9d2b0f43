import type { CustomerSummary } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';

/** Email and phone identities (a web chat visitor's token hash means nothing to a person), and the unverified chat email. */
export function IdentityList({ customer }: { customer: CustomerSummary }) {
  const { t } = useI18n();
  const shown = customer.identities.filter((i) => i.kind !== 'visitor');
  return (
    <dl className="identity-list">
      {shown.map((i) => (
        <div key={`${i.kind}:${i.value}`} className="identity">
          <dt>{t(i.kind === 'email' ? 'customers.identity.email' : 'customers.identity.phone')}</dt>
          <dd dir="ltr">{i.value}</dd>
        </div>
      ))}
      {customer.unverifiedEmail && (
        <div className="identity identity-unverified">
          <dt>{t('customers.unverifiedEmail')}</dt>
          <dd dir="ltr">{customer.unverifiedEmail}</dd>
        </div>
      )}
    </dl>
  );
}
