import { describe, expect, it } from 'vitest';
import { BUILT_IN_FLOW, validateFlow } from '../../src/channels/voice/flow.js';

const paths = (r: { errors: { path: string }[] }) => r.errors.map((e) => e.path);
const message = (r: { errors: { path: string; message: string }[] }, path: string) => r.errors.find((e) => e.path === path)?.message ?? '';

describe('validateFlow', () => {
  it('accepts the built-in flow and fills defaults', () => {
    const r = validateFlow({ start: 'a', nodes: { a: { type: 'say', prompt: 'Hi', next: 'q' }, q: { type: 'queue', queue: 'voice' } } });
    expect(r.ok).toBe(true);
    expect(r.flow).toMatchObject({ version: 1, languages: ['en'], defaultLanguage: 'en', calendars: {}, nodes: { q: { callback: true, announce: true } } });
    expect(validateFlow(BUILT_IN_FLOW).ok).toBe(true);
  });

  it('rejects malformed documents with the field path', () => {
    const r = validateFlow({ start: 'a', nodes: { a: { type: 'menu', prompt: 'x', options: { '12': { next: 'a' } } }, b: { type: 'teleport' } } });
    expect(r.ok).toBe(false);
    expect(paths(r)).toEqual(expect.arrayContaining(['nodes.a.options.12', 'nodes.b.type']));
    expect(validateFlow(null).ok).toBe(false);
    expect(validateFlow({ start: '1bad', nodes: {} }).errors[0]!.path).toBe('start');
  });

  it('names unknown targets, an unknown start and unknown calendars', () => {
    const r = validateFlow({
      start: 'menu',
      fallback: 'gone',
      nodes: {
        menu: { type: 'menu', prompt: 'Press', options: { '1': { next: 'salez' }, '2': { next: 'h' } } },
        h: { type: 'hours', calendar: 'office', open: 'q', closed: 'q' },
        q: { type: 'queue', queue: 'voice' },
      },
    });
    expect(paths(r)).toEqual(expect.arrayContaining(['fallback', 'nodes.menu.options.1.next', 'nodes.h.calendar']));
    expect(message(r, 'nodes.menu.options.1.next')).toBe('unknown node "salez"');
    expect(validateFlow({ start: 'nope', nodes: { q: { type: 'queue', queue: 'voice' } } }).errors.map((e) => e.path)).toContain('start');
  });

  it('needs a fallback for menus and digit collection', () => {
    const r = validateFlow({ start: 'm', nodes: { m: { type: 'menu', prompt: 'Press 1', options: { '1': { next: 'q' } } }, q: { type: 'queue', queue: 'voice' } } });
    expect(paths(r)).toEqual(['nodes.m.fallback']);
    const ok = validateFlow({ start: 'm', fallback: 'q', nodes: { m: { type: 'menu', prompt: 'Press 1', options: { '1': { next: 'q' } } }, q: { type: 'queue', queue: 'voice' } } });
    expect(ok.ok).toBe(true);
  });

  it('rejects unreachable nodes', () => {
    const r = validateFlow({ start: 'q', nodes: { q: { type: 'queue', queue: 'voice' }, lost: { type: 'hangup' } } });
    expect(paths(r)).toEqual(['nodes.lost']);
    expect(message(r, 'nodes.lost')).toContain('unreachable');
  });

  it('rejects loops without caller input, with the loop spelled out', () => {
    const r = validateFlow({
      start: 'a',
      calendars: { c: { timezone: 'UTC', weekly: {} } },
      nodes: {
        a: { type: 'say', prompt: 'A', next: 'h' },
        h: { type: 'hours', calendar: 'c', open: 'a', closed: 'q' },
        q: { type: 'queue', queue: 'voice' },
      },
    });
    expect(r.ok).toBe(false);
    expect(message(r, 'nodes.a')).toBe('loop without caller input: a → h → a repeats forever');
  });

  it('rejects loops the caller can never leave, but allows menus that loop back when there is a way out', () => {
    const trapped = validateFlow({
      start: 'm',
      nodes: {
        m: { type: 'menu', prompt: 'Press 1 to hear this again', options: { '1': { next: 'again' } }, fallback: 'm' },
        again: { type: 'say', prompt: 'Again', next: 'm' },
      },
    });
    expect(trapped.ok).toBe(false);
    expect(message(trapped, 'nodes.m')).toMatch(/^loop without exit: m → again → m never reaches/);
    const fine = validateFlow({
      start: 'm',
      nodes: {
        m: { type: 'menu', prompt: 'Press 1 to hear again, 2 for an agent', options: { '1': { next: 'again' }, '2': { next: 'q' } }, fallback: 'q' },
        again: { type: 'say', prompt: 'Again', next: 'm' },
        q: { type: 'queue', queue: 'voice' },
      },
    });
    expect(fine.errors).toEqual([]);
  });

  it('checks queue names against the voice queues when it knows them', () => {
    const flow = { start: 'q', nodes: { q: { type: 'queue', queue: 'sales' } } };
    expect(validateFlow(flow).ok).toBe(true);
    const r = validateFlow(flow, { voiceQueues: new Set(['voice']) });
    expect(message(r, 'nodes.q.queue')).toBe('no voice queue named "sales" (voice queues: voice)');
  });

  it('checks calendars: time zone, intervals, Gregorian and Jalali holidays', () => {
    const r = validateFlow({
      start: 'h',
      calendars: { c: { timezone: 'Mars/Olympus', weekly: { mon: ['09:00-17:00', '18:00-17:00'], tue: ['9-5'] }, holidays: ['2025-02-30', '12-25'], jalaliHolidays: ['1404-07-31', '01-01', '13-01'] } },
      nodes: { h: { type: 'hours', calendar: 'c', open: 'q', closed: 'q' }, q: { type: 'queue', queue: 'voice' } },
    });
    expect(paths(r).sort()).toEqual(['calendars.c.holidays.0', 'calendars.c.jalaliHolidays.0', 'calendars.c.jalaliHolidays.2', 'calendars.c.timezone', 'calendars.c.weekly.mon.1', 'calendars.c.weekly.tue.0'].sort());
  });

  it('warns when Persian prompts have no audio (English TTS instead), and rejects prompts nobody can hear', () => {
    const r = validateFlow({
      languages: ['en', 'fa'],
      start: 'a',
      nodes: {
        a: { type: 'say', prompt: { en: 'Welcome', fa: 'خوش آمدید' }, next: 'b' },
        b: { type: 'say', prompt: { en: 'Hello', fa: { audioUrl: 'https://x.example/fa/hello.mp3' } }, next: 'q' },
        q: { type: 'queue', queue: 'voice' },
      },
    });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual(['nodes.a.prompt.fa', 'announcements.fa']);
    expect(r.warnings[0]!.message).toContain('hear the English prompt instead');
    const silent = validateFlow({ languages: ['fa'], defaultLanguage: 'fa', start: 'a', nodes: { a: { type: 'say', prompt: { fa: 'سلام' }, next: 'q' }, q: { type: 'queue', queue: 'voice' } } });
    expect(paths(silent)).toEqual(['nodes.a.prompt']);
  });

  it('checks languages: the default must be offered, language options must be flow languages', () => {
    const r = validateFlow({
      languages: ['en'],
      defaultLanguage: 'fa',
      start: 'l',
      nodes: { l: { type: 'language', prompt: 'Press', options: { '1': { language: 'fa' } }, next: 'q' }, q: { type: 'queue', queue: 'voice' } },
    });
    expect(paths(r)).toEqual(expect.arrayContaining(['defaultLanguage', 'nodes.l.options.1.language']));
  });

  it('checks digit collection bounds', () => {
    const r = validateFlow({ start: 'c', fallback: 'q', nodes: { c: { type: 'collect', prompt: 'Account', variable: 'acct', minDigits: 8, maxDigits: 4, next: 'q', notFound: 'q' }, q: { type: 'queue', queue: 'voice' } } });
    expect(paths(r).sort()).toEqual(['nodes.c.minDigits', 'nodes.c.notFound']);
  });
});
