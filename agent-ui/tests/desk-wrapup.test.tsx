// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/console/api/http.js';
import type { Disposition } from '../src/console/desk/api.js';
import { WrapUpDialog, type WrapUpInput } from '../src/console/desk/WrapUpDialog.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const dispositions: Disposition[] = [
  { id: 'd1', code: 'resolved', labelEn: 'Resolved', labelFa: 'حل شد', active: true },
  { id: 'd2', code: 'callback', labelEn: 'Call back later', labelFa: 'تماس بعدی', active: true },
];

beforeEach(() => localStorage.setItem('pasokh:console:lang', 'en'));
afterEach(cleanup);

function renderDialog(onSubmit: (w: WrapUpInput) => Promise<void>, onCancel?: () => void) {
  render(
    <I18nProvider>
      <WrapUpDialog dispositions={dispositions} mode="close" onSubmit={onSubmit} {...(onCancel ? { onCancel } : {})} />
    </I18nProvider>,
  );
}

describe('wrap-up dialog', () => {
  it('refuses to submit without a disposition, then sends the chosen code and note', async () => {
    const onSubmit = vi.fn(async (_w: WrapUpInput) => undefined);
    renderDialog(onSubmit);
    const select = screen.getByRole('combobox', { name: 'Disposition' });
    expect(document.activeElement).toBe(select);

    fireEvent.click(screen.getByRole('button', { name: 'Close with this disposition' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error-dispositionCode').textContent).toBe('Choose a disposition.');
    expect(select.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(select, { target: { value: 'callback' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Wrap-up note (optional)' }), { target: { value: '  call Friday  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close with this disposition' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ dispositionCode: 'callback', note: 'call Friday' }));
  });

  it('shows the hub’s field error under the field it names; Esc cancels', async () => {
    const onCancel = vi.fn();
    renderDialog(async () => {
      throw new ApiError(400, 'invalid_request', 'body.dispositionCode: disposition code "callback" is no longer active', [
        { path: 'body.dispositionCode', message: 'disposition code "callback" is no longer active' },
      ]);
    }, onCancel);
    fireEvent.change(screen.getByRole('combobox', { name: 'Disposition' }), { target: { value: 'callback' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close with this disposition' }));
    expect((await screen.findByTestId('field-error-dispositionCode')).textContent).toBe('disposition code "callback" is no longer active');
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('shows the hub’s refusal to close without a disposition under the disposition field', async () => {
    renderDialog(async () => {
      throw new ApiError(400, 'disposition_required', 'body.dispositionCode: choose a disposition code: this center requires one to close a conversation', [
        { path: 'body.dispositionCode', message: 'choose a disposition code: this center requires one to close a conversation' },
      ]);
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Disposition' }), { target: { value: 'resolved' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close with this disposition' }));
    expect((await screen.findByTestId('field-error-dispositionCode')).textContent).toContain('this center requires one');
    // The dialog stays open for another try.
    expect((screen.getByRole('button', { name: 'Close with this disposition' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('labels the codes in Persian when the console is in Persian', () => {
    localStorage.setItem('pasokh:console:lang', 'fa');
    renderDialog(async () => undefined);
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['نتیجه را انتخاب کنید…', 'حل شد', 'تماس بعدی']);
  });
});
