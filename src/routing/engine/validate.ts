import { STRATEGIES } from './types.js';
import type { QueueConfig } from './types.js';

/** One problem in a queue configuration; `path` names the field, e.g. `queues[2].escalation[1].overflowToQueueId`. */
export interface QueueIssue {
  path: string;
  message: string;
}

export const SKILL_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const CHANNELS = new Set(['webchat', 'sms', 'email', 'voice']);
const STRATEGY_NAMES: ReadonlySet<string> = new Set(STRATEGIES);
const MAX_DEPTH = 16;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Semantic checks over a whole set of queues, after the JSON shape has been checked (zod at the
 * API): skill expressions (non-empty all/any, minimum levels 1..10, well-formed and — when
 * `knownSkills` is given — known skill names), escalation steps in strictly increasing time that
 * each do something, overflow only to known queues and never in a cycle, service level within
 * (0, 1], no negative times or rates. Pure; never throws, whatever it is given.
 */
export function validateQueues(queues: QueueConfig[], knownSkills?: Set<string>): QueueIssue[] {
  const issues: QueueIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  if (!Array.isArray(queues)) return [{ path: 'queues', message: 'must be a list of queues' }];

  const firstIndex = new Map<string, number>();
  queues.forEach((q: unknown, i) => {
    if (!isObject(q)) return;
    const id = q.id;
    if (typeof id !== 'string' || id === '') return add(`queues[${i}].id`, 'must be a non-empty string');
    const seen = firstIndex.get(id);
    if (seen !== undefined) add(`queues[${i}].id`, `duplicate queue id "${id}" (also queues[${seen}])`);
    else firstIndex.set(id, i);
  });

  const checkExpr = (e: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) return add(path, `nested more than ${MAX_DEPTH} levels deep`);
    if (!isObject(e)) return add(path, 'must be {skill, minLevel?}, {all: [...]} or {any: [...]}');
    const kinds = ['skill', 'all', 'any'].filter((k) => k in e);
    if (kinds.length !== 1) return add(path, 'must have exactly one of "skill", "all" or "any"');
    const extra = Object.keys(e).filter((k) => k !== kinds[0] && !(kinds[0] === 'skill' && k === 'minLevel'));
    if (extra.length > 0) add(`${path}.${extra[0]}`, `unexpected field beside "${kinds[0]}"`);
    if (kinds[0] === 'skill') {
      const skill = e.skill;
      if (typeof skill !== 'string' || !SKILL_NAME.test(skill)) {
        add(`${path}.skill`, `bad skill name ${JSON.stringify(skill) ?? String(skill)}: use lower-case letters, digits, "_", "." and "-" (at most 64, starting with a letter or digit)`);
      } else if (knownSkills && !knownSkills.has(skill)) add(`${path}.skill`, `unknown skill "${skill}"`);
      if ('minLevel' in e && e.minLevel !== undefined) {
        const m = e.minLevel;
        if (!isNum(m) || !Number.isInteger(m) || m < 1 || m > 10) add(`${path}.minLevel`, `must be a whole number from 1 to 10, got ${String(m)}`);
      }
      return;
    }
    const k = kinds[0] as 'all' | 'any';
    const list = e[k];
    if (!Array.isArray(list)) return add(`${path}.${k}`, 'must be a list of expressions');
    if (list.length === 0) return add(`${path}.${k}`, `an empty "${k}" is not allowed: give at least one expression`);
    list.forEach((x, j) => checkExpr(x, `${path}.${k}[${j}]`, depth + 1));
  };

  const nonNegative = (v: unknown, path: string) => {
    if (!isNum(v)) add(path, 'must be a number');
    else if (v < 0) add(path, `must not be negative, got ${v}`);
  };

  // queue id → overflow edges (in step order) for the cycle check
  const edges = new Map<string, { to: string; path: string }[]>();

  queues.forEach((q: unknown, i) => {
    const p = `queues[${i}]`;
    if (!isObject(q)) return add(p, 'must be an object');
    const id = typeof q.id === 'string' ? q.id : '';
    if (!CHANNELS.has(q.channel as string)) add(`${p}.channel`, `must be one of ${[...CHANNELS].join(', ')}`);
    if (q.requirement !== null && q.requirement !== undefined) checkExpr(q.requirement, `${p}.requirement`, 0);
    if (!isNum(q.priority)) add(`${p}.priority`, 'must be a number');
    const sl = q.serviceLevel;
    if (!isObject(sl)) add(`${p}.serviceLevel`, 'must be {targetFraction, thresholdSeconds}');
    else {
      const f = sl.targetFraction;
      if (!isNum(f) || f <= 0 || f > 1) add(`${p}.serviceLevel.targetFraction`, `must be a fraction in (0, 1] (0.8 = 80 %), got ${String(f)}`);
      const th = sl.thresholdSeconds;
      if (!isNum(th) || th <= 0) add(`${p}.serviceLevel.thresholdSeconds`, `must be a positive number of seconds, got ${String(th)}`);
    }
    if (!STRATEGY_NAMES.has(q.strategy as string)) add(`${p}.strategy`, `must be one of ${STRATEGIES.join(', ')}`);
    if (typeof q.predictiveEscalation !== 'boolean') add(`${p}.predictiveEscalation`, 'must be true or false');
    nonNegative(q.agingPerMinute, `${p}.agingPerMinute`);
    nonNegative(q.stickyWaitSeconds, `${p}.stickyWaitSeconds`);
    nonNegative(q.wrapUpSeconds, `${p}.wrapUpSeconds`);

    const steps = q.escalation;
    if (!Array.isArray(steps)) return add(`${p}.escalation`, 'must be a list of steps');
    const out: { to: string; path: string }[] = [];
    let prevAfter: number | null = null;
    let overflowAt: number | null = null;
    steps.forEach((s: unknown, j) => {
      const sp = `${p}.escalation[${j}]`;
      if (!isObject(s)) return add(sp, 'must be an object');
      if (overflowAt !== null) add(sp, `never reached: step ${overflowAt} already moves the task to another queue`);
      const after = s.afterSeconds;
      if (!isNum(after)) add(`${sp}.afterSeconds`, 'must be a number');
      else if (after < 0) add(`${sp}.afterSeconds`, `must not be negative, got ${after}`);
      else {
        if (prevAfter !== null && after <= prevAfter) {
          add(`${sp}.afterSeconds`, `steps must come in increasing afterSeconds: ${after} is not after the previous step's ${prevAfter}`);
        }
        prevAfter = after;
      }
      const lower = s.lowerMinLevelBy;
      if (lower !== undefined && (!isNum(lower) || !Number.isInteger(lower) || lower < 1 || lower > 9)) {
        add(`${sp}.lowerMinLevelBy`, `must be a whole number from 1 to 9, got ${String(lower)}`);
      }
      if (s.alsoAccept !== undefined) checkExpr(s.alsoAccept, `${sp}.alsoAccept`, 0);
      const target = s.overflowToQueueId;
      if (target !== undefined) {
        if (typeof target !== 'string' || !firstIndex.has(target)) add(`${sp}.overflowToQueueId`, `unknown queue ${JSON.stringify(target) ?? String(target)}`);
        else out.push({ to: target, path: `${sp}.overflowToQueueId` });
        overflowAt = j;
      }
      if (lower === undefined && s.alsoAccept === undefined && target === undefined) {
        add(sp, 'a step must lower minimum levels, accept more agents or overflow to another queue');
      }
    });
    if (id && firstIndex.get(id) === i) edges.set(id, out);
  });

  // Overflow cycles: depth-first search; a back edge closes a cycle, reported once at that edge.
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const e of edges.get(id) ?? []) {
      const st = state.get(e.to);
      if (st === 'open') {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        const key = [...new Set(cycle)].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          add(e.path, `overflow cycle ${cycle.join(' → ')}`);
        }
      } else if (st === undefined) visit(e.to);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);

  return issues;
}
