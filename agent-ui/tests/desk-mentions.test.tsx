// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NoteDto } from '../../src/contracts/index.js';
import { NoteComposer } from '../src/console/desk/NotesPanel.js';
import { mentionQuery } from '../src/console/desk/mentionQuery.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const staff = [
  { id: 'u-me', name: 'Sara Ahmadi', email: 'sara@pasokh.test' },
  { id: 'u-1', name: 'Samira Karimi', email: 'samira@pasokh.test' },
  { id: 'u-2', name: 'Nima Sadeghi', email: 'nima@pasokh.test' },
  { id: 'u-3', name: 'Reza Salehi', email: 'reza.s@pasokh.test' },
  { id: 'u-4', name: 'Reza Salehi', email: 'reza.salehi2@pasokh.test' },
  { id: 'u-5', name: 'علی کریمی', email: 'ali@pasokh.test' },
];

const posted: string[] = [];
const added: NoteDto[] = [];

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem('pasokh:console:lang', 'en');
  posted.length = 0;
  added.length = 0;
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    if (url === '/api/desk/mentionable') return Response.json({ users: staff });
    if (url === '/api/conversations/c-1/notes' && init?.method === 'POST') {
      const { body } = JSON.parse(String(init.body)) as { body: string };
      posted.push(body);
      const note: NoteDto = { id: 'n-1', conversationId: 'c-1', body, authorId: 'u-me', authorName: 'Sara Ahmadi', mentions: [], at: '2026-11-23T10:00:00.000Z' };
      return Response.json({ note }, { status: 201 });
    }
    return Response.json({ error: { code: 'not_found', message: 'no' } }, { status: 404 });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function composer(lang: 'en' | 'fa' = 'en') {
  localStorage.setItem('pasokh:console:lang', lang);
  render(
    <I18nProvider>
      <NoteComposer conversationId="c-1" userId="u-me" onAdded={(n) => added.push(n)} />
    </I18nProvider>,
  );
  fireEvent.click(screen.getByTestId('note-open'));
  const input = screen.getByTestId('note-input') as HTMLTextAreaElement;
  return input;
}

/** Types the whole text, the caret ending after it, as a keyboard would leave it. */
function type(input: HTMLTextAreaElement, value: string) {
  fireEvent.change(input, { target: { value } });
}

const options = () => screen.queryAllByRole('option');
const names = () => options().map((o) => o.querySelector('.mention-name')!.textContent);
const listbox = () => screen.getByTestId('mention-list');

describe('@mention completion in private notes', () => {
  it('"@" and letters list colleagues (not oneself); arrows move, Enter writes the name and the note saves with it', async () => {
    const input = await composer();
    type(input, 'Please call back @sa');
    await waitFor(() => expect(names()).toEqual(['Samira Karimi', 'Nima Sadeghi', 'Reza Salehi', 'Reza Salehi']));
    expect(input.getAttribute('role')).toBe('combobox');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(input.getAttribute('aria-controls')).toBe(listbox().id);
    expect(listbox().hidden).toBe(false);
    expect(options()[0]!.getAttribute('aria-selected')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[0]!.id);

    // Down to Nima, up twice wraps round to the last, down once lands on the first again, then down to Nima.
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[1]!.id);
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(options()[3]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(options()[1]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });

    expect(input.value).toBe('Please call back @Nima Sadeghi ');
    expect(options()).toHaveLength(0);
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.getAttribute('aria-activedescendant')).toBeNull();
    expect(input.selectionStart).toBe(input.value.length);

    type(input, `${input.value}about the refund`);
    fireEvent.click(screen.getByTestId('note-submit'));
    await waitFor(() => expect(posted).toEqual(['Please call back @Nima Sadeghi about the refund']));
  });

  it('Tab picks too; a shared name is written as the email; Esc closes the list but not the note', async () => {
    const input = await composer();
    type(input, '@reza');
    await waitFor(() => expect(options()).toHaveLength(2));
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Tab' });
    // Two colleagues are called Reza Salehi: the second one's email says which.
    expect(input.value).toBe('@reza.salehi2@pasokh.test ');

    type(input, `${input.value}and @ni`);
    await waitFor(() => expect(names()).toEqual(['Nima Sadeghi']));
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(options()).toHaveLength(0);
    expect(screen.getByTestId('note-input')).toBe(input);
    // Typing on in the same mention keeps it dismissed; a second Esc closes the note.
    type(input, `${input.value}m`);
    expect(options()).toHaveLength(0);
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('note-input')).toBeNull();
  });

  it('no list inside an email address, and a click on a colleague picks them', async () => {
    const input = await composer();
    type(input, 'ask @karimi');
    await waitFor(() => expect(names()).toEqual(['Samira Karimi']));
    // The colleagues are loaded: an "@" inside a word is an address, not a mention.
    type(input, 'sent to nima@pasokh');
    expect(options()).toHaveLength(0);
    type(input, 'ask @karimi');
    fireEvent.click(options()[0]!);
    expect(input.value).toBe('ask @Samira Karimi ');
  });

  it('in Persian: Arabic yeh and kaf find the Persian spelling, and the name is written as stored', async () => {
    const input = await composer('fa');
    expect(document.documentElement.dir).toBe('rtl');
    type(input, 'لطفاً @علي ك');
    await waitFor(() => expect(names()).toEqual(['علی کریمی']));
    expect(listbox().getAttribute('aria-label')).toBe('همکاران برای نام‌بردن');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.value).toBe('لطفاً @علی کریمی ');
  });
});

describe('which "@" the caret is in', () => {
  it('keeps a space for a name that goes on, and ends once the name is complete', () => {
    expect(mentionQuery('hi @sara a', 10, staff)).toEqual({ start: 3, text: 'sara a' });
    expect(mentionQuery('hi @sara ahmadi ', 16, staff)).toBeNull();
    expect(mentionQuery('hi @xyz q', 9, staff)).toBeNull();
    expect(mentionQuery('line one @sa\nnext', 17, staff)).toBeNull();
  });
});
