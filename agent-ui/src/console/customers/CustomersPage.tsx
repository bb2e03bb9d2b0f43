import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { CustomerListItem } from '../../../../src/customers/contracts.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { searchCustomers } from './api.js';
import { CustomerPanel } from './CustomerPanel.js';
import { customerFromHash, customerHref } from './href.js';
import { nameOf } from './text.js';
import './customers.css';

/** Customer search, results, and the selected customer's panel. */
export function CustomersPage() {
  const { t, moment } = useI18n();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<CustomerListItem[]>([]);
  const [nextOffset, setNextOffset] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [searching, setSearching] = useState(false);
  const [selected, setSelected] = useState<string | null>(() => customerFromHash(window.location.hash));
  const lastQuery = useRef('');

  useEffect(() => {
    const onHash = () => setSelected(customerFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const run = useCallback(async (q: string, offset: number) => {
    setSearching(true);
    try {
      const page = await searchCustomers(q, offset);
      setResults((current) => (offset === 0 ? page.customers : [...current, ...page.customers.filter((c) => !current.some((x) => x.id === c.id))]));
      setNextOffset(page.nextOffset);
      setError(null);
      lastQuery.current = q;
    } catch (err) {
      setError(err);
    } finally {
      setSearching(false);
    }
  }, []);

  // The most recently contacted customers until the agent searches.
  useEffect(() => {
    void run('', 0);
  }, [run]);

  const open = (id: string) => {
    window.location.hash = customerHref(id);
    setSelected(id);
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(query, 0);
  }

  return (
    <section className="page customers-page" data-testid="customers-page">
      <div className="customers-search">
        <form role="search" onSubmit={submit}>
          <label htmlFor="customer-search">{t('customers.search.label')}</label>
          <div className="customers-search-row">
            <input
              id="customer-search"
              type="search"
              dir="auto"
              value={query}
              placeholder={t('customers.search.placeholder')}
              aria-describedby="customer-search-hint"
              onChange={(e) => setQuery(e.target.value)}
              data-testid="customer-search"
            />
            <button type="submit" disabled={searching}>
              {t('customers.search.submit')}
            </button>
          </div>
          <p id="customer-search-hint" className="muted">
            {t('customers.search.hint')}
          </p>
        </form>
        {error !== null && (
          <p className="inline-error" role="alert">
            {t('customers.search.failed', { message: errorText(error, t) })}
          </p>
        )}
        <h2 className="visually-hidden">{t('customers.search.results')}</h2>
        {!searching && error === null && results.length === 0 && <p className="muted">{t('customers.search.none')}</p>}
        <ul className="customer-results" aria-live="polite">
          {results.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className={`customer-result${c.id === selected ? ' selected' : ''}`}
                aria-current={c.id === selected ? 'true' : undefined}
                onClick={() => open(c.id)}
                data-testid="customer-result"
                data-customer-id={c.id}
              >
                <span className="customer-result-name" dir="auto">
                  {nameOf(c, t)}
                </span>
                <span className="customer-result-ids" dir="ltr">
                  {c.identities.map((i) => i.value).join(' · ')}
                </span>
                <span className="muted">{c.lastContactAt ? t('customers.lastContact', { date: moment(c.lastContactAt) }) : t('customers.never')}</span>
              </button>
            </li>
          ))}
        </ul>
        {nextOffset !== null && (
          <button type="button" className="link" disabled={searching} onClick={() => void run(lastQuery.current, nextOffset)}>
            {t('customers.search.more')}
          </button>
        )}
      </div>
      <div className="customers-detail">
        {selected ? (
          <CustomerPanel key={selected} customerId={selected} onOpen={open} onChanged={() => void run(lastQuery.current, 0)} />
        ) : (
          <p className="muted">{t('customers.select')}</p>
        )}
      </div>
    </section>
  );
}
