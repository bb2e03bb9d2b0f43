// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';
import { useI18n } from '../src/console/i18n/context.js';
import { RealtimeTools } from '../src/console/realtime/RealtimeTools.js';
import { ShortcutsHelp } from '../src/console/realtime/ShortcutsHelp.js';
import { soundMuted } from '../src/console/realtime/offerSound.js';
import { useShortcuts } from '../src/console/realtime/useShortcuts.js';
import { LangSwitch } from '../src/console/i18n/LangSwitch.js';

afterEach(cleanup);
beforeEach(() => {
  window.localStorage.clear();
});

/** A miniature console: the corner tools, the "?" overlay, a text field, and a log of actions. */
function Harness({ log }: { log: string[] }) {
  const [help, setHelp] = useState(false);
  const { setLang } = useI18n();
  useShortcuts({
    accept: () => log.push('accept'),
    next: () => log.push('next'),
    reply: () => log.push('reply'),
    help: () => setHelp((h) => !h),
  });
  return (
    <>
      <label>
        note
        <input data-testid="field" />
      </label>
      <button type="button" onClick={() => setLang('fa')}>
        fa
      </button>
      <RealtimeTools onHelp={() => setHelp(true)} />
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </>
  );
}

const press = (target: Element | Document, init: KeyboardEventInit) => fireEvent.keyDown(target, init);

describe('keyboard shortcuts', () => {
  it('"?" opens the list of every shortcut with its keys; Esc closes it', () => {
    render(
      <I18nProvider>
        <Harness log={[]} />
      </I18nProvider>,
    );
    press(document.body, { code: 'Slash', key: '?', shiftKey: true });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const rows = within(dialog).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['accept', 'reject', 'next', 'prev', 'reply', 'send', 'available', 'away', 'help']);
    expect(within(dialog).getByText('Accept the incoming offer').closest('tr')?.textContent).toContain('Alt + A');
    expect(within(dialog).getByText('Next conversation').closest('tr')?.textContent).toMatch(/Alt \+ Down arrow\s*or\s*J/);
    expect(within(dialog).getByText('Send the reply').closest('tr')?.textContent).toContain('Ctrl + Enter');
    press(document, { key: 'Escape', code: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('lists the shortcuts in Persian too', () => {
    render(
      <I18nProvider>
        <Harness log={[]} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'fa' }));
    fireEvent.click(screen.getByTestId('shortcuts-open'));
    const dialog = screen.getByRole('dialog', { name: 'میان‌برهای صفحه‌کلید' });
    expect(within(dialog).getByText('پذیرفتن پیشنهاد رسیده')).toBeTruthy();
    expect(within(dialog).getByText('گفتگوی بعدی').closest('tr')?.textContent).toContain('پیکان پایین');
  });

  it('single keys never fire while typing in a field; Alt combinations do', () => {
    const log: string[] = [];
    render(
      <I18nProvider>
        <Harness log={log} />
      </I18nProvider>,
    );
    const field = screen.getByTestId('field');
    press(field, { code: 'KeyJ', key: 'j' });
    press(field, { code: 'KeyR', key: 'r' });
    press(field, { code: 'Slash', key: '?', shiftKey: true });
    expect(log).toEqual([]);
    expect(screen.queryByRole('dialog')).toBeNull();
    press(field, { code: 'KeyA', key: 'å', altKey: true });
    // Outside a field the single keys work, whatever the keyboard layout (on a Persian layout J types ت).
    press(document.body, { code: 'KeyJ', key: 'ت' });
    press(document.body, { code: 'KeyR', key: 'ق' });
    expect(log).toEqual(['accept', 'next', 'reply']);
  });

  it('the offer sound toggle is remembered in this browser', () => {
    render(
      <I18nProvider>
        <Harness log={[]} />
      </I18nProvider>,
    );
    const toggle = screen.getByRole('button', { name: 'Mute the offer sound' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    act(() => toggle.click());
    expect(soundMuted()).toBe(true);
    cleanup();
    render(
      <I18nProvider>
        <Harness log={[]} />
      </I18nProvider>,
    );
    expect(screen.getByRole('button', { name: 'Play a sound on new offers' }).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('typing and viewers in the conversation header', () => {
  it('shows other viewers (not me) and a "typing…" that expires by itself', async () => {
    vi.useFakeTimers();
    const { ConversationPresence } = await import('../src/console/realtime/ConversationPresence.js');
    const handlers = new Map<string, ((p: unknown) => void)[]>();
    const emitted: unknown[][] = [];
    const socket = {
      connected: true,
      on: (e: string, fn: (p: unknown) => void) => handlers.set(e, [...(handlers.get(e) ?? []), fn]),
      off: (e: string, fn: (p: unknown) => void) => handlers.set(e, (handlers.get(e) ?? []).filter((f) => f !== fn)),
      emit: (...args: unknown[]) => emitted.push(args),
    };
    const fire = (e: string, p: unknown) => act(() => (handlers.get(e) ?? []).forEach((fn) => fn(p)));
    const view = render(
      <I18nProvider>
        <div data-conversation-id="c1">
          <ConversationPresence socket={socket as never} conversationId="c1" userId="me" />
          <textarea data-testid="reply" />
        </div>
      </I18nProvider>,
    );
    expect(emitted[0]?.slice(0, 2)).toEqual(['conversation:viewing', { conversationId: 'c1', viewing: true }]);
    fire('conversation:viewers', { conversationId: 'c1', viewers: [{ id: 'me', name: 'Me', role: 'agent' }, { id: 's1', name: 'Sima Rahimi', role: 'supervisor' }] });
    const avatars = within(screen.getByTestId('conversation-viewers')).getAllByRole('listitem');
    expect(avatars.map((a) => a.getAttribute('aria-label'))).toEqual(['Sima Rahimi (Supervisor) has this conversation open']);
    expect(avatars[0]?.textContent).toBe('SR');

    fire('conversation:typing', { conversationId: 'c1', from: 'customer', name: 'Nima', typing: true });
    expect(screen.getByTestId('typing-indicator').textContent).toBe('Customer is typing…');
    act(() => vi.advanceTimersByTime(6000));
    expect(screen.getByTestId('typing-indicator').textContent).toBe('');

    // My own typing in this conversation's reply box goes to the hub, once per burst.
    fireEvent.input(screen.getByTestId('reply'), { target: { value: 'h' } });
    fireEvent.input(screen.getByTestId('reply'), { target: { value: 'he' } });
    expect(emitted.filter((e) => e[0] === 'conversation:typing')).toEqual([['conversation:typing', { conversationId: 'c1', typing: true }]]);
    act(() => vi.advanceTimersByTime(4000));
    expect(emitted.filter((e) => e[0] === 'conversation:typing').at(-1)).toEqual(['conversation:typing', { conversationId: 'c1', typing: false }]);

    view.unmount();
    expect(emitted.at(-1)).toEqual(['conversation:viewing', { conversationId: 'c1', viewing: false }]);
    vi.useRealTimers();
  });
});

describe('language choice', () => {
  it('signed in, switching language stores the choice on the hub; on the login page it does not', async () => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify({ user: { language: 'fa' } }), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    try {
      render(
        <I18nProvider>
          <LangSwitch signedIn />
        </I18nProvider>,
      );
      fireEvent.click(screen.getByTestId('lang-switch'));
      expect(document.documentElement.dir).toBe('rtl');
      await vi.waitFor(() => expect(calls).toEqual([{ method: 'PUT', url: '/api/auth/me/preferences', body: { language: 'fa' } }]));
      cleanup();
      render(
        <I18nProvider>
          <LangSwitch />
        </I18nProvider>,
      );
      fireEvent.click(screen.getByTestId('lang-switch'));
      expect(calls).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
