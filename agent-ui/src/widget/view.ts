// The widget's DOM, inside an open shadow root so the host page's CSS cannot
// reach it (and ours cannot leak out). Plain DOM, no framework; message text is
// only ever set through textContent.
import type { ChatEntry } from './chatModel.js';
import type { WidgetConfig } from './config.js';
import type { ChatConnection } from './connection.js';
import type { ChatStore } from './store.js';
import { RatingPanel } from './rating.js';
import { widgetStrings, type WidgetStrings } from './strings.js';
import css from './widget.css?inline';

type Attrs = Record<string, string | boolean | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '26');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  p.setAttribute('fill', 'currentColor');
  svg.append(p);
  return svg;
}

// A speech bubble, and a cross.
const CHAT_ICON = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z';
const CLOSE_ICON = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6 6.4 5z';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class WidgetView {
  private readonly s: WidgetStrings;
  private readonly timeFormat: Intl.DateTimeFormat;
  private readonly shadow: ShadowRoot;

  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLElement;
  private readonly statusLine: HTMLParagraphElement;
  private readonly prechat: HTMLFormElement;
  private readonly nameInput: HTMLInputElement;
  private readonly emailInput: HTMLInputElement;
  private readonly prechatError: HTMLParagraphElement;
  private readonly chat: HTMLDivElement;
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLParagraphElement;
  private readonly input: HTMLTextAreaElement;

  private open = false;
  private readonly bubbles = new Map<string, HTMLLIElement>();
  /** Agent messages the visitor has had the panel open for. */
  private readonly seen = new Set<string>();

  constructor(
    host: HTMLElement,
    config: WidgetConfig,
    private readonly store: ChatStore,
    private readonly connection: ChatConnection,
  ) {
    this.s = widgetStrings(config.lang);
    this.timeFormat = new Intl.DateTimeFormat(config.lang === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
    });
    const dir = config.lang === 'fa' ? 'rtl' : 'ltr';
    host.setAttribute('dir', dir);
    host.setAttribute('lang', config.lang);
    this.shadow = host.attachShadow({ mode: 'open' });
    const s = this.s;

    // A constructed stylesheet is not inline CSS, so a host page whose
    // Content-Security-Policy forbids inline styles still styles the widget.
    // Older browsers get a <style> element.
    let style: HTMLStyleElement | null = null;
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      this.shadow.adoptedStyleSheets = [sheet];
    } catch {
      style = h('style');
      style.textContent = css;
    }

    this.badge = h('span', { class: 'badge', hidden: true });
    this.launcher = h(
      'button',
      {
        type: 'button',
        class: 'launcher',
        'data-testid': 'widget-launcher',
        'aria-expanded': 'false',
        'aria-controls': 'pasokh-panel',
        'aria-label': s.launcherOpen,
        title: s.launcherOpen,
      },
      icon(CHAT_ICON),
      this.badge,
    );

    this.statusLine = h('p', { class: 'status', role: 'status', hidden: true });

    // Pre-chat form.
    this.nameInput = h('input', {
      type: 'text',
      name: 'name',
      autocomplete: 'name',
      maxlength: '120',
      dir: 'auto',
      required: true,
      'data-testid': 'widget-name',
    });
    this.emailInput = h('input', {
      type: 'email',
      name: 'email',
      autocomplete: 'email',
      maxlength: '254',
      dir: 'ltr',
      'data-testid': 'widget-email',
    });
    this.prechatError = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'widget-prechat-error' });
    this.prechat = h(
      'form',
      { class: 'prechat', novalidate: true },
      h('p', { class: 'intro' }, s.intro),
      h('label', {}, h('span', {}, s.name), this.nameInput),
      h('label', {}, h('span', {}, s.email), this.emailInput),
      this.prechatError,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'widget-start' }, s.start),
    );
    this.prechat.addEventListener('submit', (e) => {
      e.preventDefault();
      this.startChat();
    });

    // Chat.
    this.list = h('ol', { class: 'messages', 'aria-live': 'polite' });
    this.empty = h('p', { class: 'empty' }, s.empty);
    this.input = h('textarea', {
      rows: '2',
      dir: 'auto',
      maxlength: '5000',
      placeholder: s.placeholder,
      'aria-label': s.placeholder,
      'data-testid': 'widget-input',
    });
    const sendButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'widget-send' }, s.send);
    const composer = h('form', { class: 'composer' }, this.input, sendButton);
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendFromInput();
    });
    // Typing, both ways: never stored, and a stale "typing…" hides itself.
    const typingLine = h('p', { class: 'typing', role: 'status', hidden: true, 'data-testid': 'widget-typing' }, s.agentTyping);
    let typingHide: number | undefined;
    connection.onAgentTyping((typing) => {
      window.clearTimeout(typingHide);
      typingLine.hidden = !typing;
      if (typing) typingHide = window.setTimeout(() => (typingLine.hidden = true), 6000);
    });
    let typingIdle: number | undefined;
    this.input.addEventListener('input', () => {
      const active = this.input.value.trim() !== '';
      connection.typing(active);
      window.clearTimeout(typingIdle);
      if (active) typingIdle = window.setTimeout(() => connection.typing(false), 4000);
    });
    this.input.addEventListener('blur', () => connection.typing(false));
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.sendFromInput();
      }
    });
    // Asked after the agent closes the chat; a new message from the visitor starts afresh.
    const rating = new RatingPanel(s, (id, score, comment) => connection.rate(id, score, comment));
    connection.onClosed((id) => rating.ask(id));
    store.subscribe(() => rating.follow(store.conversationId));
    this.chat = h('div', { class: 'chat', hidden: true }, h('div', { class: 'scroll' }, this.empty, this.list, rating.element), typingLine, composer);

    const closeButton = h('button', { type: 'button', class: 'close', 'aria-label': s.close, title: s.close }, icon(CLOSE_ICON));
    closeButton.addEventListener('click', () => this.setOpen(false));

    this.panel = h(
      'section',
      { id: 'pasokh-panel', class: 'panel', role: 'dialog', 'aria-label': s.title, hidden: true },
      h('header', {}, h('h2', {}, s.title), closeButton),
      this.statusLine,
      this.prechat,
      this.chat,
    );

    this.launcher.addEventListener('click', () => this.setOpen(!this.open));
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        this.setOpen(false);
        this.launcher.focus();
      }
    });

    if (style) this.shadow.append(style);
    this.shadow.append(h('div', { class: 'root', dir, lang: config.lang }, this.panel, this.launcher));

    // What is already on screen at load counts as seen.
    for (const e of store.messages) this.seen.add(e.key);

    store.subscribe(() => this.render());
    connection.onStatus(() => this.renderStatus());
    this.render();
    this.renderStatus();
  }

  private get started(): boolean {
    return this.store.token !== null || this.store.profile !== null;
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.panel.hidden = !open;
    this.launcher.setAttribute('aria-expanded', String(open));
    const label = open ? this.s.launcherClose : this.s.launcherOpen;
    this.launcher.setAttribute('aria-label', label);
    this.launcher.title = label;
    this.launcher.replaceChildren(icon(open ? CLOSE_ICON : CHAT_ICON), this.badge);
    if (open) {
      if (this.started) this.connection.start();
      this.render();
      this.scrollToEnd();
      (this.started ? this.input : this.nameInput).focus();
    }
  }

  private startChat(): void {
    const name = this.nameInput.value.trim();
    const email = this.emailInput.value.trim();
    let error: string | null = null;
    if (!name) error = this.s.nameRequired;
    else if (email && !EMAIL_RE.test(email)) error = this.s.emailInvalid;
    this.prechatError.hidden = error === null;
    this.prechatError.textContent = error ?? '';
    if (error !== null) {
      (name ? this.emailInput : this.nameInput).focus();
      return;
    }
    this.store.setProfile({ name, email: email || null });
    this.connection.start();
    this.render();
    this.input.focus();
  }

  private sendFromInput(): void {
    const body = this.input.value.trim();
    if (!body) return;
    this.connection.send(body);
    this.connection.typing(false);
    this.input.value = '';
    this.input.focus();
    this.scrollToEnd();
  }

  private render(): void {
    const started = this.started;
    this.prechat.hidden = started;
    this.chat.hidden = !started;
    this.renderMessages(this.store.messages);
  }

  private renderMessages(entries: readonly ChatEntry[]): void {
    const scroller = this.list.parentElement;
    const nearEnd = scroller ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60 : true;

    const keep = new Set<string>();
    let unread = 0;
    entries.forEach((entry, index) => {
      keep.add(entry.key);
      let li = this.bubbles.get(entry.key);
      if (!li) {
        li = this.createBubble();
        this.bubbles.set(entry.key, li);
      }
      this.updateBubble(li, entry);
      // Move only what is out of place.
      if (this.list.children[index] !== li) this.list.insertBefore(li, this.list.children[index] ?? null);
      if (this.open) this.seen.add(entry.key);
      else if (entry.from !== 'customer' && !this.seen.has(entry.key)) unread += 1;
    });
    for (const [key, li] of this.bubbles) {
      if (!keep.has(key)) {
        li.remove();
        this.bubbles.delete(key);
      }
    }
    this.empty.hidden = entries.length > 0;
    this.badge.hidden = unread === 0;
    this.badge.textContent = unread > 0 ? String(unread) : '';
    this.badge.setAttribute('aria-label', `${unread} ${this.s.unread}`);
    if (nearEnd) this.scrollToEnd();
  }

  private createBubble(): HTMLLIElement {
    const body = h('div', { class: 'body', dir: 'auto', 'data-testid': 'widget-message' });
    const meta = h('div', { class: 'meta' });
    return h('li', { class: 'msg' }, body, meta);
  }

  private updateBubble(li: HTMLLIElement, entry: ChatEntry): void {
    li.className = `msg from-${entry.from} state-${entry.state}`;
    li.dataset.key = entry.key;
    const body = li.children[0] as HTMLElement;
    const meta = li.children[1] as HTMLElement;
    if (body.textContent !== entry.body) body.textContent = entry.body;
    body.setAttribute('data-from', entry.from);
    body.setAttribute('data-state', entry.state);
    if (entry.id) body.setAttribute('data-id', entry.id);
    if (entry.seq !== null) body.setAttribute('data-seq', String(entry.seq));

    const time = new Date(entry.at);
    const parts: (Node | string)[] = [];
    if (entry.from === 'agent') parts.push(h('span', { class: 'who' }, this.s.agent));
    parts.push(h('time', { datetime: entry.at }, Number.isNaN(time.getTime()) ? '' : this.timeFormat.format(time)));
    if (entry.state === 'sending') parts.push(h('span', { class: 'state' }, this.s.sending));
    if (entry.state === 'failed') {
      parts.push(h('span', { class: 'state failed', title: entry.error ?? '' }, this.s.failed));
      const retry = h('button', { type: 'button', class: 'retry' }, this.s.retry);
      const clientId = entry.clientId;
      if (clientId) retry.addEventListener('click', () => this.connection.retry(clientId));
      parts.push(retry);
    }
    meta.replaceChildren(...parts);
  }

  private renderStatus(): void {
    const status = this.connection.status;
    const text = status === 'connecting' ? this.s.connecting : status === 'disconnected' ? this.s.offline : '';
    this.statusLine.textContent = text;
    this.statusLine.hidden = text === '' || !this.started;
    this.statusLine.className = `status status-${status}`;
  }

  private scrollToEnd(): void {
    const scroller = this.list.parentElement;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
