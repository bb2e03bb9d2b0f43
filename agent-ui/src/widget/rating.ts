// After the agent closes the chat, the widget asks for a 1–5 rating (CSAT) and an
// optional comment. Plain DOM like the rest of the widget; text only through
// textContent. The hub keeps the first rating, so a retry after a lost ack is safe.
import type { WidgetStrings } from './strings.js';

export type RateFn = (conversationId: string, score: number, comment: string) => Promise<{ ok: true } | { ok: false; message: string }>;

export class RatingPanel {
  readonly element: HTMLFormElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly comment: HTMLTextAreaElement;
  private readonly submit: HTMLButtonElement;
  private readonly message: HTMLParagraphElement;
  private conversationId: string | null = null;
  private score: number | null = null;
  private busy = false;

  constructor(
    private readonly s: WidgetStrings,
    private readonly rate: RateFn,
  ) {
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] => {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text) e.textContent = text;
      return e;
    };
    this.element = el('form', { class: 'rating', 'data-testid': 'widget-rating', 'aria-label': s.rateTitle });
    this.element.hidden = true;
    const question = el('p', { class: 'rating-question', id: 'pasokh-rating-q' }, s.rateTitle);
    const scores = el('div', { class: 'rating-scores', role: 'group', 'aria-labelledby': 'pasokh-rating-q' });
    for (let n = 1; n <= 5; n++) {
      const b = el('button', { type: 'button', class: 'rating-score', 'aria-pressed': 'false', 'aria-label': `${n} / 5`, 'data-score': String(n) }, String(n));
      b.addEventListener('click', () => this.pick(n));
      this.buttons.push(b);
      scores.append(b);
    }
    const hint = el('p', { class: 'rating-hint' }, s.rateHint);
    this.comment = el('textarea', { rows: '2', maxlength: '2000', dir: 'auto', placeholder: s.rateComment, 'aria-label': s.rateComment, 'data-testid': 'widget-rating-comment' });
    this.submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'widget-rating-submit' }, s.rateSend);
    this.submit.disabled = true;
    this.message = el('p', { class: 'rating-message', role: 'status' });
    this.message.hidden = true;
    this.element.append(question, scores, hint, this.comment, this.submit, this.message);
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
  }

  /** Shows the question for this conversation (once; a second notice for the same one changes nothing). */
  ask(conversationId: string): void {
    if (this.conversationId === conversationId) return;
    this.conversationId = conversationId;
    this.score = null;
    this.comment.value = '';
    for (const b of this.buttons) {
      b.setAttribute('aria-pressed', 'false');
      b.disabled = false;
    }
    this.comment.hidden = false;
    this.submit.hidden = false;
    this.submit.disabled = true;
    this.message.hidden = true;
    this.element.hidden = false;
  }

  /** The visitor wrote again and a new conversation began: the old question goes away. */
  follow(currentConversationId: string | null): void {
    if (currentConversationId !== null && this.conversationId !== null && currentConversationId !== this.conversationId) this.element.hidden = true;
  }

  private pick(n: number): void {
    this.score = n;
    for (const b of this.buttons) b.setAttribute('aria-pressed', String(Number(b.dataset.score) === n));
    this.submit.disabled = this.busy;
  }

  private async send(): Promise<void> {
    if (this.busy || this.score === null || this.conversationId === null) return;
    this.busy = true;
    this.submit.disabled = true;
    this.message.hidden = true;
    const res = await this.rate(this.conversationId, this.score, this.comment.value.trim()).catch(() => ({ ok: false as const, message: '' }));
    this.busy = false;
    this.message.hidden = false;
    if (res.ok) {
      this.message.textContent = this.s.rateThanks;
      this.message.className = 'rating-message';
      for (const b of this.buttons) b.disabled = true;
      this.comment.hidden = true;
      this.submit.hidden = true;
    } else {
      this.message.textContent = `${this.s.rateFailed} ${res.message}`.trim();
      this.message.className = 'rating-message error';
      this.submit.disabled = false;
    }
  }
}
