// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { RatingPanel, type RateFn } from '../src/widget/rating.js';
import { widgetStrings } from '../src/widget/strings.js';

const s = widgetStrings('en');

function panel(rate: RateFn) {
  const p = new RatingPanel(s, rate);
  document.body.replaceChildren(p.element);
  const q = <T extends Element>(sel: string) => p.element.querySelector(sel) as T;
  return { p, q, score: (n: number) => q<HTMLButtonElement>(`[data-score="${n}"]`) };
}

describe('widget rating after the chat is closed', () => {
  it('hidden until the hub says the conversation closed; send stays off until a score is picked', () => {
    const { p, q } = panel(async () => ({ ok: true }));
    expect(p.element.hidden).toBe(true);
    p.ask('c1');
    expect(p.element.hidden).toBe(false);
    expect(q<HTMLButtonElement>('[data-testid="widget-rating-submit"]').disabled).toBe(true);
  });

  it('sends the picked score and the comment, then thanks the visitor', async () => {
    const sent: [string, number, string][] = [];
    const { p, q, score } = panel(async (id, n, comment) => {
      sent.push([id, n, comment]);
      return { ok: true };
    });
    p.ask('c1');
    score(4).click();
    expect(score(4).getAttribute('aria-pressed')).toBe('true');
    expect(score(5).getAttribute('aria-pressed')).toBe('false');
    q<HTMLTextAreaElement>('textarea').value = '  عالی  ';
    p.element.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(q('[role="status"]').textContent).toBe(s.rateThanks));
    expect(sent).toEqual([['c1', 4, 'عالی']]);
    expect(q<HTMLButtonElement>('[data-testid="widget-rating-submit"]').hidden).toBe(true);
  });

  it('a refused or lost rating says so and can be sent again', async () => {
    let answer: Awaited<ReturnType<RateFn>> = { ok: false, message: 'score must be 1 to 5' };
    const { p, q, score } = panel(async () => answer);
    p.ask('c1');
    score(2).click();
    p.element.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(q('[role="status"]').textContent).toBe(`${s.rateFailed} score must be 1 to 5`));
    expect(q<HTMLButtonElement>('[data-testid="widget-rating-submit"]').disabled).toBe(false);
    answer = { ok: true };
    p.element.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(q('[role="status"]').textContent).toBe(s.rateThanks));
  });

  it('goes away when the visitor starts a new conversation', () => {
    const { p } = panel(async () => ({ ok: true }));
    p.ask('c1');
    p.follow('c1');
    expect(p.element.hidden).toBe(false);
    p.follow('c2');
    expect(p.element.hidden).toBe(true);
  });
});
