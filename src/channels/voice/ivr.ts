// The IVR interpreter: given a flow, where the caller is and what they did,
// says what they hear next and where they stop (waiting for input, or at a
// queue / voicemail / callback / hang-up). Pure: time and collected values are
// inputs; looking a customer up by account number is left to the caller.
import { normalizeDigits, normalizeForMatch } from '../../domain/identity.js';
import { businessState } from './calendar.js';
import { fallbackOf, SPEECH_LANGUAGE, type Flow, type FlowNode, type Language } from './flow.js';
import { phrase, renderPrompt, type Speech } from './prompts.js';
import type { PathEntry } from './schema.js';

export class FlowRuntimeError extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(`node ${node}: ${message}`);
    this.name = 'FlowRuntimeError';
  }
}

export interface CallContext {
  flow: Flow;
  language: Language;
  now: Date;
}

export interface GatherSpec {
  numDigits?: number;
  finishOnKey?: string;
  timeout: number;
  speech: boolean;
  speechLanguage: 'en-US' | 'fa-IR';
  hints: string[];
}

export interface Wait {
  node: string;
  type: 'menu' | 'language' | 'collect';
  try: number;
  gather: GatherSpec;
  prompt: Speech[];
}

export type Terminal =
  | { type: 'queue'; node: string; queue: string; callback: boolean; announce: boolean; holdMusicUrl?: string }
  | { type: 'voicemail'; node: string; maxSeconds: number; queue?: string; prompt: Speech[] }
  | { type: 'callback'; node: string; queue: string; prompt: Speech[] }
  | { type: 'hangup'; node: string; prompt: Speech[] };

export interface Advance {
  speech: Speech[];
  path: PathEntry[];
  wait?: Wait;
  terminal?: Terminal;
}

const MAX_STEPS = 64;

function nodeAt(flow: Flow, id: string): FlowNode {
  const node = flow.nodes[id];
  if (!node) throw new FlowRuntimeError(id, 'no such node (was the flow changed during the call?)');
  return node;
}

/** Plays automatic nodes from `from` until one waits for the caller or ends the IVR. */
export function advance(ctx: CallContext, from: string, tryNo = 1, preface: Speech[] = []): Advance {
  const { flow, language } = ctx;
  const speech = [...preface];
  const path: PathEntry[] = [];
  const at = ctx.now.toISOString();
  let id = from;
  for (let steps = 0; steps < MAX_STEPS; steps += 1) {
    const node = nodeAt(flow, id);
    switch (node.type) {
      case 'say':
        speech.push(...renderPrompt(node.prompt, language, flow.languages));
        path.push({ node: id, type: node.type, at });
        id = node.next;
        break;
      case 'play':
        speech.push({ kind: 'play', url: node.url, ...(node.loop > 1 ? { loop: node.loop } : {}) });
        path.push({ node: id, type: node.type, at });
        id = node.next;
        break;
      case 'hours': {
        const cal = flow.calendars[node.calendar];
        if (!cal) throw new FlowRuntimeError(id, `unknown calendar ${node.calendar}`);
        const state = businessState(cal, ctx.now);
        path.push({ node: id, type: node.type, input: state.open ? 'open' : `closed (${state.reason})`, at });
        id = state.open ? node.open : node.closed;
        break;
      }
      case 'menu':
      case 'language':
      case 'collect': {
        const retry = tryNo > 1 ? ('invalidPrompt' in node && node.invalidPrompt ? renderPrompt(node.invalidPrompt, language, flow.languages) : phrase('invalid', language, flow)) : [];
        return { speech, path, wait: { node: id, type: node.type, try: tryNo, gather: gatherSpec(node, language), prompt: [...retry, ...renderPrompt(node.prompt, language, flow.languages)] } };
      }
      case 'queue':
        path.push({ node: id, type: node.type, input: node.queue, at });
        return { speech, path, terminal: { type: 'queue', node: id, queue: node.queue, callback: node.callback, announce: node.announce, ...(node.holdMusicUrl ? { holdMusicUrl: node.holdMusicUrl } : {}) } };
      case 'voicemail':
        path.push({ node: id, type: node.type, at });
        return {
          speech,
          path,
          terminal: { type: 'voicemail', node: id, maxSeconds: node.maxSeconds, ...(node.queue ? { queue: node.queue } : {}), prompt: node.prompt ? renderPrompt(node.prompt, language, flow.languages) : phrase('voicemailPrompt', language, flow) },
        };
      case 'callback':
        path.push({ node: id, type: node.type, input: node.queue, at });
        return { speech, path, terminal: { type: 'callback', node: id, queue: node.queue, prompt: node.prompt ? renderPrompt(node.prompt, language, flow.languages) : phrase('callbackConfirm', language, flow) } };
      case 'hangup':
        path.push({ node: id, type: node.type, at });
        return { speech, path, terminal: { type: 'hangup', node: id, prompt: node.prompt ? renderPrompt(node.prompt, language, flow.languages) : phrase('goodbye', language, flow) } };
    }
  }
  throw new FlowRuntimeError(from, `more than ${MAX_STEPS} steps without caller input`);
}

function gatherSpec(node: Extract<FlowNode, { type: 'menu' | 'language' | 'collect' }>, language: Language): GatherSpec {
  if (node.type === 'collect') {
    return { numDigits: node.maxDigits, finishOnKey: node.finishOnKey, timeout: node.timeoutSeconds, speech: false, speechLanguage: SPEECH_LANGUAGE[language], hints: [] };
  }
  const words = Object.values(node.options).flatMap((o) => o.speech ?? []);
  const maxKey = Math.max(...Object.keys(node.options).map((k) => k.length), 1);
  return { numDigits: maxKey, timeout: node.timeoutSeconds, speech: words.length > 0, speechLanguage: SPEECH_LANGUAGE[language], hints: words };
}

export interface CallerInput {
  digits?: string;
  speech?: string;
}

export type InputOutcome =
  | { kind: 'goto'; next: string; entry: PathEntry; language?: Language; variable?: { name: string; value: string; identify?: { notFound: string } } }
  | { kind: 'retry'; try: number; entry: PathEntry };

const SPOKEN_DIGITS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  صفر: '0', یک: '1', دو: '2', سه: '3', چهار: '4', پنج: '5', شش: '6', هفت: '7', هشت: '8', نه: '9',
};

/** The option key the caller chose by pressing or saying it, or null. */
function chooseOption<T extends { speech?: string[] }>(options: Record<string, T>, input: CallerInput): string | null {
  const digits = input.digits ? normalizeDigits(input.digits).trim() : '';
  if (digits && options[digits]) return digits;
  const heard = input.speech ? normalizeForMatch(input.speech).replace(/[.,!?؟،]/g, ' ') : '';
  if (!heard) return null;
  for (const [key, o] of Object.entries(options)) {
    if ((o.speech ?? []).some((w) => ` ${heard} `.includes(` ${normalizeForMatch(w)} `) || heard === normalizeForMatch(w))) return key;
  }
  for (const word of heard.split(' ')) {
    const d = SPOKEN_DIGITS[word] ?? (/^[0-9*#]$/.test(word) ? word : undefined);
    if (d && options[d]) return d;
  }
  return null;
}

const describe = (input: CallerInput) => (input.digits ? input.digits : input.speech ? `"${input.speech.slice(0, 60)}"` : 'no input');

/** Applies what the caller pressed or said at a waiting node. */
export function handleInput(ctx: CallContext, nodeIdValue: string, input: CallerInput, tryNo: number): InputOutcome {
  const { flow } = ctx;
  const node = nodeAt(flow, nodeIdValue);
  const at = ctx.now.toISOString();
  const none = !input.digits && !input.speech;
  const entry = (text: string): PathEntry => ({ node: nodeIdValue, type: node.type, input: text, at });
  const retryOr = (fallback: () => InputOutcome): InputOutcome => {
    const retries = 'retries' in node ? node.retries : 0;
    return tryNo <= retries ? { kind: 'retry', try: tryNo + 1, entry: entry(none ? 'timeout' : `invalid ${describe(input)}`) } : fallback();
  };

  switch (node.type) {
    case 'menu': {
      const key = chooseOption(node.options, input);
      if (key !== null) {
        const o = node.options[key]!;
        return { kind: 'goto', next: o.next, entry: entry(`${key}${input.speech && !input.digits ? ` (said ${describe(input)})` : ''}${o.label ? ` ${o.label}` : ''}`) };
      }
      return retryOr(() => {
        const fb = fallbackOf(flow, node);
        if (!fb) throw new FlowRuntimeError(nodeIdValue, 'no fallback after the last retry');
        return { kind: 'goto', next: fb, entry: entry(`${none ? 'timeout' : `invalid ${describe(input)}`}, retries used: fallback`) };
      });
    }
    case 'language': {
      const key = chooseOption(node.options, input);
      if (key !== null) return { kind: 'goto', next: node.next, language: node.options[key]!.language, entry: entry(node.options[key]!.language) };
      return retryOr(() => ({ kind: 'goto', next: node.next, language: flow.defaultLanguage, entry: entry(`${flow.defaultLanguage} (default)`) }));
    }
    case 'collect': {
      const raw = normalizeDigits(input.digits ?? '').replace(/[#*]+$/, '');
      if (/^\d+$/.test(raw) && raw.length >= node.minDigits && raw.length <= node.maxDigits) {
        return {
          kind: 'goto',
          next: node.next,
          entry: entry(raw),
          variable: { name: node.variable, value: raw, ...(node.identify ? { identify: { notFound: node.notFound ?? node.next } } : {}) },
        };
      }
      return retryOr(() => {
        const fb = fallbackOf(flow, node);
        if (!fb) throw new FlowRuntimeError(nodeIdValue, 'no fallback after the last retry');
        return { kind: 'goto', next: fb, entry: entry(`${none ? 'timeout' : 'invalid'}, retries used: fallback`) };
      });
    }
    default:
      throw new FlowRuntimeError(nodeIdValue, `a ${node.type} node does not take input`);
  }
}

/** "welcome › lang: fa › hours: open › main: 2 Sales › queue sales", for the timeline. */
export function describePath(path: PathEntry[]): string {
  return path
    .map((p) => {
      switch (p.type) {
        case 'say':
        case 'play':
          return p.node;
        case 'queue':
          return `queue ${p.input ?? ''}`.trim();
        case 'callback':
          return `callback ${p.input ?? ''}`.trim();
        default:
          return p.input ? `${p.node}: ${p.input}` : p.node;
      }
    })
    .join(' › ');
}
