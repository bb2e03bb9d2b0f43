// IVR flows as data: one JSON document per business number, validated on
// save. Everything here is pure; the admin API adds what only the database
// knows (which voice queues exist) through `ValidationContext`.
import { z } from 'zod';
import { calendarProblems, WEEKDAYS, type Calendar } from './calendar.js';

export const LANGUAGES = ['en', 'fa'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Languages Twilio's <Say> speaks well enough for us; others need recorded audio. */
export const TTS_LANGUAGE: Partial<Record<Language, 'en-US'>> = { en: 'en-US' };
/** Speech recognition language for <Gather input="speech">. */
export const SPEECH_LANGUAGE: Record<Language, 'en-US' | 'fa-IR'> = { en: 'en-US', fa: 'fa-IR' };
export const LANGUAGE_NAME: Record<Language, string> = { en: 'English', fa: 'Persian' };

const nodeId = z.string().regex(/^[A-Za-z][\w-]{0,63}$/, 'node ids are a letter then letters, digits, _ or - (max 64)');
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);
const digitKey = z.string().regex(/^[0-9*#]$/, 'menu keys are one of 0-9 * #');
const speechWords = z.array(z.string().trim().min(1).max(60)).max(20);

const promptPart = z.union([z.string().trim().min(1).max(2000), z.strictObject({ text: z.string().trim().min(1).max(2000).optional(), audioUrl: url.optional() })]);
/** "Text" (English) or per language: {en: "Welcome", fa: {audioUrl: "https://…/welcome-fa.mp3"}}. */
export const promptSchema = z.union([z.string().trim().min(1).max(2000), z.strictObject({ en: promptPart.optional(), fa: promptPart.optional() })]);
export type PromptInput = z.infer<typeof promptSchema>;
export type PromptPart = { text?: string; audioUrl?: string };

const retries = z.number().int().min(0).max(5).default(2);
const timeoutSeconds = z.number().int().min(1).max(30).default(5);

const sayNode = z.strictObject({ type: z.literal('say'), prompt: promptSchema, next: nodeId });
const playNode = z.strictObject({ type: z.literal('play'), url, loop: z.number().int().min(1).max(10).default(1), next: nodeId });
const menuNode = z.strictObject({
  type: z.literal('menu'),
  prompt: promptSchema,
  options: z.record(digitKey, z.strictObject({ next: nodeId, speech: speechWords.optional(), label: z.string().max(80).optional() })),
  timeoutSeconds,
  retries,
  invalidPrompt: promptSchema.optional(),
  /** Where the caller goes after the last retry; the flow's `fallback` when absent. */
  fallback: nodeId.optional(),
});
const languageNode = z.strictObject({
  type: z.literal('language'),
  prompt: promptSchema,
  options: z.record(digitKey, z.strictObject({ language: z.enum(LANGUAGES), speech: speechWords.optional() })),
  timeoutSeconds,
  retries: retries.default(1),
  next: nodeId,
});
const hoursNode = z.strictObject({ type: z.literal('hours'), calendar: z.string().min(1).max(64), open: nodeId, closed: nodeId });
const collectNode = z.strictObject({
  type: z.literal('collect'),
  prompt: promptSchema,
  variable: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'variable names are lower-case letters, digits and _'),
  minDigits: z.number().int().min(1).max(30).default(1),
  maxDigits: z.number().int().min(1).max(30).default(12),
  finishOnKey: z.enum(['#', '*']).default('#'),
  timeoutSeconds,
  retries,
  invalidPrompt: promptSchema.optional(),
  /** `account`: look the digits up as a customer account number (customers.profile.accountNumber). */
  identify: z.literal('account').optional(),
  next: nodeId,
  /** With `identify`: where to go when no customer has that account number (default: `next`). */
  notFound: nodeId.optional(),
  fallback: nodeId.optional(),
});
const queueNode = z.strictObject({
  type: z.literal('queue'),
  /** A voice queue's name; its skill requirement decides which agents may take the call. */
  queue: z.string().trim().min(1).max(80),
  /** Offer "press 1 for a callback" while waiting (also needs the queue's setting and a reachable caller number). */
  callback: z.boolean().default(true),
  /** Announce position and estimated wait. */
  announce: z.boolean().default(true),
  holdMusicUrl: url.optional(),
});
const voicemailNode = z.strictObject({
  type: z.literal('voicemail'),
  prompt: promptSchema.optional(),
  maxSeconds: z.number().int().min(5).max(600).default(120),
  /** The queue whose agents get the voicemail task (default: the default voice queue). */
  queue: z.string().trim().min(1).max(80).optional(),
});
const callbackNode = z.strictObject({ type: z.literal('callback'), prompt: promptSchema.optional(), queue: z.string().trim().min(1).max(80) });
const hangupNode = z.strictObject({ type: z.literal('hangup'), prompt: promptSchema.optional() });

export const nodeSchema = z.discriminatedUnion('type', [sayNode, playNode, menuNode, languageNode, hoursNode, collectNode, queueNode, voicemailNode, callbackNode, hangupNode]);
export type FlowNode = z.infer<typeof nodeSchema>;
export type NodeType = FlowNode['type'];
export const TERMINAL_TYPES: readonly NodeType[] = ['queue', 'voicemail', 'callback', 'hangup'];
/** Nodes that wait for the caller: a loop through one of them is the caller's choice. */
export const INPUT_TYPES: readonly NodeType[] = ['menu', 'language', 'collect'];

/** One business-hours calendar as stored in a flow; the calendars API takes the same shape. */
export const calendarSchema = z.strictObject({
  timezone: z.string().min(1).max(64),
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(z.string()).max(12)),
  holidays: z.array(z.string()).max(400).optional(),
  jalaliHolidays: z.array(z.string()).max(400).optional(),
}) satisfies z.ZodType<Calendar>;

export const calendarName = z.string().regex(/^[\w-]{1,64}$/, 'calendar names are letters, digits, _ or -');

/** Recorded clips for the queue announcements in Persian (no Persian text-to-speech). */
const faAnnouncements = z.strictObject({
  /** "You are number …" */
  position: url.optional(),
  /** "Your estimated wait is about …" */
  wait: url.optional(),
  /** "… minutes" */
  minutes: url.optional(),
  /** "Less than a minute" */
  lessThanMinute: url.optional(),
  /** Numbers: `${numbersBaseUrl}${n}.mp3` for 1–99. */
  numbersBaseUrl: url.optional(),
  callbackOffer: url.optional(),
  callbackConfirm: url.optional(),
  hold: url.optional(),
  goodbye: url.optional(),
  invalid: url.optional(),
  voicemailThanks: url.optional(),
  apology: url.optional(),
});
export type FaAnnouncements = z.infer<typeof faAnnouncements>;

export const flowSchema = z.strictObject({
  version: z.literal(1).default(1),
  name: z.string().max(120).optional(),
  languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length).default(['en']),
  defaultLanguage: z.enum(LANGUAGES).default('en'),
  start: nodeId,
  /** Where callers go when a menu runs out of retries and names no fallback of its own. */
  fallback: nodeId.optional(),
  calendars: z.record(calendarName, calendarSchema).default({}),
  holdMusicUrl: url.optional(),
  announcements: z.strictObject({ fa: faAnnouncements.optional() }).optional(),
  nodes: z.record(nodeId, nodeSchema),
});
export type Flow = z.infer<typeof flowSchema>;

export interface Issue {
  path: string;
  message: string;
}

export interface ValidationContext {
  /** Names of the voice queues; when given, queue names in the flow must be among them. */
  voiceQueues?: ReadonlySet<string>;
}

export interface ValidationResult {
  ok: boolean;
  flow?: Flow;
  errors: Issue[];
  warnings: Issue[];
}

/** Normalises a prompt to per-language parts. */
export function promptParts(p: PromptInput): Partial<Record<Language, PromptPart>> {
  if (typeof p === 'string') return { en: { text: p } };
  const out: Partial<Record<Language, PromptPart>> = {};
  for (const lang of LANGUAGES) {
    const part = p[lang];
    if (part !== undefined) out[lang] = typeof part === 'string' ? { text: part } : part;
  }
  return out;
}

/** Every node a node can lead to, with the path of the field that names it. */
export function targets(node: FlowNode): { path: string; to: string }[] {
  switch (node.type) {
    case 'say':
    case 'play':
      return [{ path: 'next', to: node.next }];
    case 'menu':
      return [...Object.entries(node.options).map(([k, o]) => ({ path: `options.${k}.next`, to: o.next })), ...(node.fallback ? [{ path: 'fallback', to: node.fallback }] : [])];
    case 'language':
      return [{ path: 'next', to: node.next }];
    case 'hours':
      return [
        { path: 'open', to: node.open },
        { path: 'closed', to: node.closed },
      ];
    case 'collect':
      return [{ path: 'next', to: node.next }, ...(node.notFound ? [{ path: 'notFound', to: node.notFound }] : []), ...(node.fallback ? [{ path: 'fallback', to: node.fallback }] : [])];
    default:
      return [];
  }
}

/** Where a menu or collect node sends a caller who ran out of retries. */
export function fallbackOf(flow: Flow, node: FlowNode): string | undefined {
  return node.type === 'menu' || node.type === 'collect' ? (node.fallback ?? flow.fallback) : undefined;
}

function successors(flow: Flow, id: string): string[] {
  const node = flow.nodes[id];
  if (!node) return [];
  const out = targets(node).map((t) => t.to);
  const fb = fallbackOf(flow, node);
  if (fb && !out.includes(fb)) out.push(fb);
  return out.filter((t) => flow.nodes[t] !== undefined);
}

/**
 * Validates a flow document: shape (zod), then meaning. Errors reject the
 * save and name the node path; warnings are kept (e.g. a Persian prompt
 * without audio falls back to English text-to-speech).
 */
export function validateFlow(input: unknown, ctx: ValidationContext = {}): ValidationResult {
  const parsed = flowSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(flow)', message: i.message })), warnings: [] };
  }
  const flow = parsed.data;
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const ids = Object.keys(flow.nodes);

  if (new Set(flow.languages).size !== flow.languages.length) errors.push({ path: 'languages', message: 'a language is listed twice' });
  if (!flow.languages.includes(flow.defaultLanguage)) errors.push({ path: 'defaultLanguage', message: `"${flow.defaultLanguage}" is not one of the flow's languages (${flow.languages.join(', ')})` });
  if (!flow.nodes[flow.start]) errors.push({ path: 'start', message: `unknown node "${flow.start}"` });
  if (flow.fallback !== undefined && !flow.nodes[flow.fallback]) errors.push({ path: 'fallback', message: `unknown node "${flow.fallback}"` });

  for (const [name, cal] of Object.entries(flow.calendars)) {
    for (const p of calendarProblems(cal)) errors.push({ path: `calendars.${name}.${p.path}`, message: p.message });
  }

  for (const id of ids) {
    const node = flow.nodes[id]!;
    const at = `nodes.${id}`;
    for (const t of targets(node)) {
      if (!flow.nodes[t.to]) errors.push({ path: `${at}.${t.path}`, message: `unknown node "${t.to}"` });
    }
    if ((node.type === 'menu' || node.type === 'collect') && fallbackOf(flow, node) === undefined) {
      errors.push({ path: `${at}.fallback`, message: 'no fallback: name where callers go after the last retry (here or as the flow\'s "fallback")' });
    }
    if (node.type === 'menu' && Object.keys(node.options).length === 0) errors.push({ path: `${at}.options`, message: 'a menu needs at least one option' });
    if (node.type === 'language') {
      if (Object.keys(node.options).length === 0) errors.push({ path: `${at}.options`, message: 'a language choice needs at least one option' });
      for (const [k, o] of Object.entries(node.options)) {
        if (!flow.languages.includes(o.language)) errors.push({ path: `${at}.options.${k}.language`, message: `"${o.language}" is not one of the flow's languages (${flow.languages.join(', ')})` });
      }
    }
    if (node.type === 'collect') {
      if (node.minDigits > node.maxDigits) errors.push({ path: `${at}.minDigits`, message: `minDigits (${node.minDigits}) is more than maxDigits (${node.maxDigits})` });
      if (node.notFound && !node.identify) errors.push({ path: `${at}.notFound`, message: 'notFound only applies with identify' });
    }
    if (node.type === 'hours' && !flow.calendars[node.calendar]) {
      errors.push({ path: `${at}.calendar`, message: `unknown calendar "${node.calendar}" (defined: ${Object.keys(flow.calendars).join(', ') || 'none'})` });
    }
    if (ctx.voiceQueues && (node.type === 'queue' || node.type === 'callback' || (node.type === 'voicemail' && node.queue !== undefined))) {
      const q = node.queue!;
      if (!ctx.voiceQueues.has(q)) errors.push({ path: `${at}.queue`, message: `no voice queue named "${q}" (voice queues: ${[...ctx.voiceQueues].join(', ') || 'none'})` });
    }
    for (const [field, prompt] of promptsOf(node)) checkPrompt(flow, prompt, `${at}.${field}`, errors, warnings);
  }

  if (flow.languages.includes('fa')) {
    const fa = flow.announcements?.fa ?? {};
    const missing = (['position', 'wait', 'minutes', 'lessThanMinute', 'numbersBaseUrl', 'callbackOffer', 'callbackConfirm'] as const).filter((k) => !fa[k]);
    const queues = ids.some((id) => flow.nodes[id]!.type === 'queue');
    if (queues && missing.length > 0) {
      warnings.push({ path: 'announcements.fa', message: `no Persian audio for ${missing.join(', ')}: Persian callers hear these queue announcements in English text-to-speech` });
    }
  }

  if (errors.some((e) => e.path === 'start')) return { ok: false, errors, warnings };
  graphProblems(flow, errors);
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, flow, errors, warnings };
}

function promptsOf(node: FlowNode): [string, PromptInput][] {
  const out: [string, PromptInput][] = [];
  if ('prompt' in node && node.prompt !== undefined) out.push(['prompt', node.prompt]);
  if ((node.type === 'menu' || node.type === 'collect') && node.invalidPrompt !== undefined) out.push(['invalidPrompt', node.invalidPrompt]);
  return out;
}

function checkPrompt(flow: Flow, prompt: PromptInput, path: string, errors: Issue[], warnings: Issue[]): void {
  const parts = promptParts(prompt);
  const playable = (l: Language) => Boolean(parts[l]?.audioUrl || (parts[l]?.text && TTS_LANGUAGE[l]));
  if (!flow.languages.some(playable)) {
    errors.push({ path, message: `nothing a caller can hear: give English text or an audio URL (Persian text alone cannot be spoken: Twilio has no Persian text-to-speech)` });
    return;
  }
  for (const lang of flow.languages) {
    if (playable(lang)) continue;
    const fallback = flow.languages.find(playable) ?? 'en';
    warnings.push({
      path: `${path}.${lang}`,
      message: `no ${LANGUAGE_NAME[lang]} audio: callers who chose ${LANGUAGE_NAME[lang]} hear the ${LANGUAGE_NAME[fallback]} prompt instead (upload a recording and set audioUrl)`,
    });
  }
}

/** Unreachable nodes, loops the caller cannot leave, and loops with no caller input at all. */
function graphProblems(flow: Flow, errors: Issue[]): void {
  const ids = Object.keys(flow.nodes);
  const reachable = new Set<string>([flow.start]);
  const queue = [flow.start];
  while (queue.length > 0) {
    for (const next of successors(flow, queue.shift()!)) {
      if (!reachable.has(next)) {
        reachable.add(next);
        queue.push(next);
      }
    }
  }
  for (const id of ids) {
    if (!reachable.has(id)) errors.push({ path: `nodes.${id}`, message: `unreachable: no path from the start node "${flow.start}" leads here` });
  }

  // Loops with no caller input: the IVR would spin without end (say → hours → say …).
  const automatic = (id: string) => !INPUT_TYPES.includes(flow.nodes[id]!.type);
  const cycle = findCycle(
    ids.filter((id) => reachable.has(id) && automatic(id)),
    (id) => successors(flow, id).filter((n) => automatic(n) && reachable.has(n)),
  );
  if (cycle) errors.push({ path: `nodes.${cycle[0]}`, message: `loop without caller input: ${cycle.join(' → ')} → ${cycle[0]} repeats forever` });

  // Nodes from which no terminal node (queue, voicemail, callback, hangup) can be reached.
  const exits = new Set(ids.filter((id) => TERMINAL_TYPES.includes(flow.nodes[id]!.type)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const id of ids) {
      if (!exits.has(id) && successors(flow, id).some((n) => exits.has(n))) {
        exits.add(id);
        grew = true;
      }
    }
  }
  for (const id of ids) {
    if (!reachable.has(id) || exits.has(id)) continue;
    const loop = findCycle([id], (n) => successors(flow, n).filter((s) => !exits.has(s)));
    errors.push({
      path: `nodes.${id}`,
      message: loop ? `loop without exit: ${loop.join(' → ')} → ${loop[0]} never reaches a queue, voicemail, callback or hangup` : 'no exit: no path from here reaches a queue, voicemail, callback or hangup',
    });
  }
}

/** A cycle (as the list of its nodes) reachable from `starts`, or null. */
function findCycle(starts: string[], next: (id: string) => string[]): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 'open');
    stack.push(id);
    for (const n of next(id)) {
      if (state.get(n) === 'open') return stack.slice(stack.indexOf(n));
      if (!state.has(n)) {
        const found = visit(n);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const s of starts) {
    if (!state.has(s)) {
      const found = visit(s);
      if (found) return found;
    }
  }
  return null;
}

/** What a number without a flow of its own (and no 'default' flow) does: greet, then the default voice queue. */
export const BUILT_IN_FLOW: Flow = {
  version: 1,
  languages: ['en'],
  defaultLanguage: 'en',
  start: 'welcome',
  calendars: {},
  nodes: {
    welcome: { type: 'say', prompt: 'Thank you for calling. Please hold for the next available agent.', next: 'queue' },
    queue: { type: 'queue', queue: 'voice', callback: true, announce: true },
  },
};
