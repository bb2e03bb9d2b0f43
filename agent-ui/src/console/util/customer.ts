import type { CustomerSummary } from '../../../../src/contracts/index.js';

/** A customer's name, else the first address they are known by, else null. */
export function customerLabel(customer: CustomerSummary): string | null {
  if (customer.name && customer.name.trim()) return customer.name;
  const identity = customer.identities.find((i) => i.kind !== 'visitor') ?? customer.identities[0];
  return identity ? identity.value : null;
}
