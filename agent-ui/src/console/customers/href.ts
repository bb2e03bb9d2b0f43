/** #/customers/<id> opens that customer on the customers screen (the conversation view links here). */
export function customerHref(customerId: string): string {
  return `#/customers/${encodeURIComponent(customerId)}`;
}

export function customerFromHash(hash: string): string | null {
  const m = /^#\/customers\/([0-9a-f-]{36})/i.exec(hash);
  return m ? m[1]! : null;
}
