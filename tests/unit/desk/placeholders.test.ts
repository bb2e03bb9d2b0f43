import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillPlaceholders, unknownPlaceholders } from '../../../src/desk/placeholders.js';

describe('canned-response placeholders', () => {
  it('fills the known names, tolerating spaces inside the braces', () => {
    const r = fillPlaceholders('Hi {{customer.name}}, I am {{ agent.name }}. Ref {{conversation.id}}', {
      'customer.name': 'Reza',
      'agent.name': 'Sara',
      'conversation.id': 'c-42',
    });
    expect(r).toEqual({ text: 'Hi Reza, I am Sara. Ref c-42', unknown: [], empty: [] });
  });

  it('leaves an unknown placeholder visible and flags it', () => {
    const r = fillPlaceholders('Order {{order.number}} for {{customer.name}}', { 'customer.name': 'Reza' });
    expect(r.text).toBe('Order {{order.number}} for Reza');
    expect(r.unknown).toEqual(['order.number']);
    expect(unknownPlaceholders('{{a}} {{customer.name}} {{a}} {{b}}')).toEqual(['a', 'b']);
  });

  it('a customer without a name gives an empty fallback and tidy punctuation', () => {
    const r = fillPlaceholders('Hello {{customer.name}}, thanks for writing.', { 'customer.name': null });
    expect(r.text).toBe('Hello, thanks for writing.');
    expect(r.empty).toEqual(['customer.name']);
    const fa = fillPlaceholders('سلام {{customer.name}}، خوش آمدید', { 'customer.name': '  ' });
    expect(fa.text).toBe('سلام، خوش آمدید');
  });

  it('leaves Persian text byte for byte, filling only the placeholder', () => {
    const template = 'سلام {{customer.name}} عزیز، من {{agent.name}} هستم.\u200cبا تشکر';
    const r = fillPlaceholders(template, { 'customer.name': 'زهرا', 'agent.name': 'علی' });
    expect(r.text).toBe('سلام زهرا عزیز، من علی هستم.\u200cبا تشکر');
  });

  it('text without braces is never changed', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('{') && !s.includes('}')), (s) => {
        expect(fillPlaceholders(s, { 'customer.name': 'x' }).text).toBe(s);
      }),
    );
  });
});
