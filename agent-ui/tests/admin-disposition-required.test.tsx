// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DispositionsAdmin } from '../src/console/admin/DispositionsAdmin.js';
import type { Disposition } from '../src/console/desk/api.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

// Stands in for the hub's /api/dispositions and /api/desk/settings, with the
// hub's own rule: the requirement cannot be turned on without an active code.
const REFUSAL = 'add an active disposition code first: agents could not close anything';
let codes: Disposition[];
let required: boolean;
const puts: unknown[] = [];

const sold: Disposition = { id: 'd1', code: 'sold', labelEn: 'Sold', labelFa: 'فروش', active: true };

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  localStorage.clear();
  codes = [];
  required = false;
  puts.length = 0;
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    if (method === 'GET' && url.startsWith('/api/dispositions')) return reply(200, { dispositions: codes });
    if (method === 'PATCH' && url.startsWith('/api/dispositions/')) {
      const id = decodeURIComponent(url.slice('/api/dispositions/'.length));
      const patch = JSON.parse(String(init?.body)) as Partial<Disposition>;
      codes = codes.map((d) => (d.id === id ? { ...d, ...patch } : d));
      return reply(200, { disposition: codes.find((d) => d.id === id) });
    }
    if (method === 'GET' && url === '/api/desk/settings') return reply(200, { dispositionRequired: required });
    if (method === 'PUT' && url === '/api/desk/settings') {
      const body = JSON.parse(String(init?.body)) as { dispositionRequired: boolean };
      puts.push(body);
      if (body.dispositionRequired && !codes.some((d) => d.active)) {
        return reply(400, { error: { code: 'invalid_request', message: `body.dispositionRequired: ${REFUSAL}`, details: [{ path: 'body.dispositionRequired', message: REFUSAL }] } });
      }
      required = body.dispositionRequired;
      return reply(200, { dispositionRequired: required });
    }
    return reply(404, { error: { code: 'not_found', message: `no route ${method} ${url}` } });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function openScreen(lang: 'en' | 'fa') {
  localStorage.setItem('pasokh:console:lang', lang);
  render(
    <I18nProvider>
      <DispositionsAdmin />
    </I18nProvider>,
  );
  const toggle = await screen.findByRole('switch');
  await waitFor(() => expect((toggle as HTMLInputElement).disabled).toBe(false));
  return toggle as HTMLInputElement;
}

describe('Admin → Dispositions: "required to close"', () => {
  it('turning it on with no active code is refused: the switch stays off and the hub’s reason is shown under it', async () => {
    const toggle = await openScreen('en');
    expect(screen.getByRole('switch', { name: 'Require a disposition to close' })).toBe(toggle);
    expect(toggle.checked).toBe(false);

    fireEvent.click(toggle);
    const error = await screen.findByTestId('disp-required-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe(`Not changed. The hub said: ${REFUSAL}`);
    expect(puts).toEqual([{ dispositionRequired: true }]);
    expect(toggle.checked).toBe(false);
    // Screen readers hear the reason with the switch, and that it is in the wrong state.
    expect(toggle.getAttribute('aria-invalid')).toBe('true');
    expect(toggle.getAttribute('aria-describedby')?.split(' ')).toContain(error.id);
    expect(screen.queryByTestId('disp-required-saved')).toBeNull();
  });

  it('in Persian the switch and the refusal are worded in Persian, with the hub’s English words kept apart', async () => {
    const toggle = await openScreen('fa');
    expect(screen.getByRole('switch', { name: 'انتخاب نتیجه برای بستن الزامی باشد' })).toBe(toggle);
    expect(screen.getByRole('heading', { name: 'بستن گفتگو' })).toBeTruthy();
    fireEvent.click(toggle);
    const error = await screen.findByTestId('disp-required-error');
    expect(error.textContent).toContain('تغییری داده نشد. پاسخ سرور:');
    const hub = error.querySelector('bdi');
    expect(hub?.getAttribute('lang')).toBe('en');
    expect(hub?.textContent).toBe(REFUSAL);
  });

  it('with an active code it turns on and off, saying so each time', async () => {
    codes = [sold];
    const toggle = await openScreen('en');
    fireEvent.click(toggle);
    expect((await screen.findByTestId('disp-required-saved')).textContent).toBe('A disposition is now required to close.');
    expect(toggle.checked).toBe(true);
    expect(required).toBe(true);

    fireEvent.click(toggle);
    await waitFor(() => expect(screen.getByTestId('disp-required-saved').textContent).toBe('A disposition is no longer required to close.'));
    expect(toggle.checked).toBe(false);
    expect(puts).toEqual([{ dispositionRequired: true }, { dispositionRequired: false }]);
    expect(screen.queryByTestId('disp-required-error')).toBeNull();
  });

  it('retiring the last active code while it is required warns that closes now go through without one', async () => {
    codes = [sold];
    required = true;
    const toggle = await openScreen('en');
    expect(toggle.checked).toBe(true);
    expect(screen.queryByTestId('disp-required-idle')).toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: 'Deactivate Sold' }));
    expect((await screen.findByTestId('disp-required-idle')).textContent).toBe('Required, but no code is active: until one is, conversations close without a disposition.');
  });
});
