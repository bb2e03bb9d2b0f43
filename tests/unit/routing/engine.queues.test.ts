import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '../../../src/routing/engine/index.js';
import type { EngineAgent, EngineOptions, EngineTask, QueueConfig } from '../../../src/routing/engine/index.js';
import { acceptAll, agent, createAll, kinds, MIN, offersOf, pairs, queue, SEC, T0, task } from './fixtures.js';

function engine(setup: { queues?: QueueConfig[]; agents?: EngineAgent[]; tasks?: EngineTask[]; options?: EngineOptions; now?: number }): RoutingEngine {
  const e = new RoutingEngine({ redeclineCooldownMs: 30_000, ...setup.options });
  const now = setup.now ?? T0;
  for (const q of setup.queues ?? []) expect(e.apply({ type: 'queue.upserted', queue: q }, now)).toBe(true);
  for (const a of setup.agents ?? []) e.apply({ type: 'agent.upserted', agent: a }, now);
  for (const t of setup.tasks ?? []) expect(e.apply({ type: 'task.added', task: t }, now)).toBe(true);
  return e;
}

// ---- skill expressions -------------------------------------------------------------------------

describe('queues: skill expressions', () => {
  it('needs every branch of an "all" and one branch of an "any", each at its minimum level', () => {
    const e = engine({
      queues: [queue('q', { requirement: { all: [{ skill: 'billing', minLevel: 3 }, { any: [{ skill: 'lang.fa' }, { skill: 'lang.ar', minLevel: 2 }] }] } })],
      agents: [
        agent('a-billing-only', { skills: { billing: 9 }, idleSince: T0 - 900_000 }),
        agent('b-billing-too-low', { skills: { billing: 2, 'lang.fa': 5 }, idleSince: T0 - 800_000 }),
        agent('c-arabic-too-low', { skills: { billing: 5, 'lang.ar': 1 }, idleSince: T0 - 700_000 }),
        agent('d-persian', { skills: { billing: 3, 'lang.fa': 1 }, idleSince: T0 - 1_000 }),
        agent('e-arabic', { skills: { billing: 4, 'lang.ar': 2 }, idleSince: T0 - 2_000 }),
      ],
      tasks: [task('t1', 'q')],
    });
    const [offer] = offersOf(e.decide(T0));
    expect(offer?.agentId).toBe('e-arabic');
    expect(offer?.why.candidates).toBe(2);
    expect(offer?.why.ranked).toEqual(['e-arabic', 'd-persian']);
    expect(offer?.why.queueId).toBe('q');
    expect(offer?.why.strategy).toBe('longest-idle');
    expect(offer?.why.step).toBe(0);
  });

  it('a leaf without minLevel needs level 1; a queue without a requirement takes anyone', () => {
    const e = engine({
      queues: [queue('needs-x', { requirement: { skill: 'x' } }), queue('anyone')],
      agents: [agent('no-x', { capacity: 34, idleSince: T0 - 900_000 }), agent('x1', { capacity: 34, skills: { x: 1 } })],
      tasks: [task('tx', 'needs-x'), task('tany', 'anyone', { enqueuedAt: T0 + 1 })],
    });
    expect(pairs(e.decide(T0 + 1))).toEqual([
      ['tx', 'x1'],
      ['tany', 'no-x'],
    ]);
  });

  it('in a known queue the queue requirement decides, not the task’s legacy AND list', () => {
    const e = engine({
      queues: [queue('q', { requirement: { skill: 'sales' } })],
      agents: [agent('sales', { skills: { sales: 1 } })],
      tasks: [task('t1', 'q', { requiredSkills: [{ skill: 'legal', minLevel: 5 }] })],
    });
    expect(pairs(e.decide(T0))).toEqual([['t1', 'sales']]);
  });
});

// ---- order -------------------------------------------------------------------------------------

describe('queues: waiting order', () => {
  it('queue priority adds to task priority', () => {
    const e = engine({
      queues: [queue('vip', { priority: 5 }), queue('normal')],
      agents: [agent('ana', { capacity: 34 })],
      tasks: [task('old-normal', 'normal', { enqueuedAt: T0 - 10 * MIN, priority: 4 }), task('new-vip', 'vip')],
    });
    expect(pairs(e.decide(T0))).toEqual([['new-vip', 'ana']]);
  });

  it('aging: low-priority work that waited long enough goes before newer high-priority work', () => {
    const run = (waitedMinutes: number) => {
      const e = engine({
        queues: [queue('low', { agingPerMinute: 1 }), queue('high', { priority: 5 })],
        agents: [agent('ana', { capacity: 34 })],
        tasks: [task('low-task', 'low', { enqueuedAt: T0 - waitedMinutes * MIN }), task('high-task', 'high')],
      });
      return pairs(e.decide(T0)).map(([t]) => t);
    };
    expect(run(6)).toEqual(['low-task']); // 0 + 6 > 5
    expect(run(4)).toEqual(['high-task']); // 0 + 4 < 5
  });

  it('equal effective priority falls back to enqueuedAt, whatever the task priorities', () => {
    // Aging 1/min: priority 1 now equals priority 0 one minute ago.
    const e = engine({
      queues: [queue('q', { agingPerMinute: 1 })],
      agents: [agent('ana', { capacity: 1_000 })],
      tasks: [
        task('a-prio1-now', 'q', { priority: 1, enqueuedAt: T0 }),
        task('b-prio0-1min-ago', 'q', { priority: 0, enqueuedAt: T0 - MIN }),
        task('c-prio0-30s-ago', 'q', { priority: 0, enqueuedAt: T0 - 30 * SEC }),
      ],
    });
    expect(pairs(e.decide(T0 + 5 * MIN)).map(([t]) => t)).toEqual(['b-prio0-1min-ago', 'a-prio1-now', 'c-prio0-30s-ago']);
  });
});

// ---- escalation ----------------------------------------------------------------------------------

describe('queues: escalation steps', () => {
  it('lowers the minimum level once the task has waited afterSeconds since it entered the queue', () => {
    const e = engine({
      queues: [queue('q', { requirement: { skill: 'billing', minLevel: 5 }, escalation: [{ afterSeconds: 30, lowerMinLevelBy: 1 }] })],
      agents: [agent('ana', { skills: { billing: 4 } })],
      tasks: [task('t1', 'q')],
    });
    expect(e.decide(T0)).toEqual([]);
    expect(e.decide(T0 + 30 * SEC - 1)).toEqual([]);
    const ds = e.decide(T0 + 30 * SEC);
    expect(ds[0]).toEqual({ type: 'task.escalated', taskId: 't1', queueId: 'q', step: 1, reason: 'timer' });
    expect(pairs(ds)).toEqual([['t1', 'ana']]);
    expect(offersOf(ds)[0]?.why.step).toBe(1);
    expect(offersOf(ds)[0]?.why.summary).toContain('escalation step 1');
  });

  it('alsoAccept widens who may take it', () => {
    const e = engine({
      queues: [queue('q', { requirement: { skill: 'lang.fa' }, escalation: [{ afterSeconds: 20, alsoAccept: { skill: 'lang.en' } }] })],
      agents: [agent('english', { skills: { 'lang.en': 3 } })],
      tasks: [task('t1', 'q')],
    });
    expect(e.decide(T0 + 19 * SEC)).toEqual([]);
    expect(kinds(e.decide(T0 + 20 * SEC))).toEqual(['task.escalated', 'offer']);
  });

  it('steps fire in order, each once, even when several are due at one decide', () => {
    const e = engine({
      queues: [
        queue('q', {
          requirement: { skill: 'billing', minLevel: 9 },
          escalation: [
            { afterSeconds: 10, lowerMinLevelBy: 1 },
            { afterSeconds: 20, lowerMinLevelBy: 1 },
            { afterSeconds: 30, lowerMinLevelBy: 1 },
          ],
        }),
      ],
      tasks: [task('t1', 'q')],
    });
    const steps = (now: number) => e.decide(now).map((d) => (d.type === 'task.escalated' ? d.step : d.type));
    expect(steps(T0 + 25 * SEC)).toEqual([1, 2]);
    expect(steps(T0 + 25 * SEC)).toEqual([]);
    expect(steps(T0 + 100 * SEC)).toEqual([3]);
    expect(steps(T0 + 1_000 * SEC)).toEqual([]);
    expect(e.task('t1')?.step).toBe(3);
  });

  it('overflow moves the task to another queue, where it keeps its place by enqueuedAt', () => {
    const e = engine({
      queues: [
        queue('q1', { requirement: { skill: 'billing' }, escalation: [{ afterSeconds: 60, overflowToQueueId: 'q2' }] }),
        queue('q2', { requirement: { skill: 'general' } }),
      ],
      agents: [agent('gen', { skills: { general: 1 }, capacity: 34, used: 34 })],
      tasks: [task('from-q1', 'q1', { enqueuedAt: T0 }), task('in-q2', 'q2', { enqueuedAt: T0 + 30 * SEC })],
    });
    expect(e.decide(T0 + 60 * SEC)).toEqual([
      { type: 'task.escalated', taskId: 'from-q1', queueId: 'q1', step: 1, reason: 'timer' },
      { type: 'task.overflowed', taskId: 'from-q1', fromQueueId: 'q1', toQueueId: 'q2' },
    ]);
    expect(e.task('from-q1')).toMatchObject({ queueId: 'q2', step: 0, configured: true });
    e.apply({ type: 'work.released', agentId: 'gen', cost: 34 }, T0 + 61 * SEC);
    expect(pairs(e.decide(T0 + 61 * SEC))).toEqual([['from-q1', 'gen']]);
  });

  it('an unvalidated overflow cycle moves the task once and never back (no ping-pong, no endless loop)', () => {
    const e = engine({
      queues: [
        queue('q1', { escalation: [{ afterSeconds: 10, overflowToQueueId: 'q2' }] }),
        queue('q2', { escalation: [{ afterSeconds: 20, overflowToQueueId: 'q1' }] }),
      ],
      tasks: [task('t1', 'q1')],
    });
    expect(kinds(e.decide(T0 + 100 * SEC))).toEqual(['task.escalated', 'task.overflowed', 'task.escalated']);
    expect(e.task('t1')).toMatchObject({ queueId: 'q2', step: 1 });
    expect(e.decide(T0 + 1_000 * SEC)).toEqual([]);
  });

  it('overflow to a queue the engine does not know only applies the step’s other relaxations', () => {
    const e = engine({
      queues: [queue('q1', { requirement: { skill: 'billing', minLevel: 3 }, escalation: [{ afterSeconds: 10, overflowToQueueId: 'gone', lowerMinLevelBy: 1 }] })],
      agents: [agent('ana', { skills: { billing: 2 } })],
      tasks: [task('t1', 'q1')],
    });
    expect(kinds(e.decide(T0 + 10 * SEC))).toEqual(['task.escalated', 'offer']);
    expect(e.task('t1')?.queueId).toBe('q1');
  });

  it('a step due while the task is on offer is applied when it is back in the queue', () => {
    const e = engine({
      queues: [queue('q', { escalation: [{ afterSeconds: 30, lowerMinLevelBy: 1 }] })],
      agents: [agent('ana')],
      tasks: [task('t1', 'q')],
    });
    const ids = createAll(e, e.decide(T0), T0);
    expect(e.decide(T0 + 35 * SEC)).toEqual([]);
    e.apply({ type: 'offer.rejected', offerId: ids.get('t1')! }, T0 + 40 * SEC);
    expect(e.decide(T0 + 40 * SEC)).toEqual([{ type: 'task.escalated', taskId: 't1', queueId: 'q', step: 1, reason: 'timer' }]);
  });
});

describe('queues: predictive escalation', () => {
  const relaxing = (predictive: boolean) =>
    queue('q', {
      requirement: { skill: 'billing', minLevel: 5 },
      predictiveEscalation: predictive,
      escalation: [{ afterSeconds: 300, lowerMinLevelBy: 2 }],
    });

  it('with nobody staffed for the requirement the breach is certain: the next step applies at once', () => {
    const e = engine({ queues: [relaxing(true)], agents: [agent('junior', { skills: { billing: 3 } })], tasks: [task('t1', 'q')] });
    const ds = e.decide(T0);
    expect(ds[0]).toEqual({ type: 'task.escalated', taskId: 't1', queueId: 'q', step: 1, reason: 'predicted-breach' });
    expect(pairs(ds)).toEqual([['t1', 'junior']]);
    // The timer for that step does not fire it a second time.
    expect(e.decide(T0 + 300 * SEC)).toEqual([]);
  });

  it('without prediction the same task waits for the timer', () => {
    const e = engine({ queues: [relaxing(false)], agents: [agent('junior', { skills: { billing: 3 } })], tasks: [task('t1', 'q')] });
    expect(e.decide(T0)).toEqual([]);
    expect(kinds(e.decide(T0 + 300 * SEC))).toEqual(['task.escalated', 'offer']);
  });

  it('predicts from the work waiting and the staffed capacity: the task that tips the queue over escalates', () => {
    // Mean handle 10 s (no completions seen yet); one busy billing agent staffs 100 units.
    // Waits: 1 call → 100·10/100 = 10 s; 2 calls → 20 s (not over 20); 3 calls → 30 s > 20 s.
    const e = engine({
      options: { defaultHandleMs: 10_000 },
      queues: [
        queue('q', {
          channel: 'voice',
          requirement: { skill: 'billing' },
          predictiveEscalation: true,
          escalation: [{ afterSeconds: 600, alsoAccept: { skill: 'sales' } }],
        }),
      ],
      agents: [agent('biller', { skills: { billing: 1 }, used: 100 }), agent('seller', { skills: { sales: 1 } })],
    });
    const add = (id: string) => {
      e.apply({ type: 'task.added', task: task(id, 'q', { channel: 'voice', cost: 100 }) }, T0);
      return e.decide(T0);
    };
    expect(add('c1')).toEqual([]);
    expect(add('c2')).toEqual([]);
    const ds = add('c3');
    expect(ds[0]).toMatchObject({ type: 'task.escalated', taskId: 'c3', reason: 'predicted-breach' });
    expect(pairs(ds)).toEqual([['c3', 'seller']]);
  });

  it('learns the mean handle time from the work it sees (Little’s law over released work)', () => {
    const e = engine({ options: { defaultHandleMs: 300_000 }, queues: [queue('q')], agents: [agent('ana')] });
    let now = T0;
    for (let i = 0; i < 50; i++) {
      e.apply({ type: 'task.added', task: task(`t${i}`, 'q', { enqueuedAt: now }) }, now);
      acceptAll(e, e.decide(now), now);
      now += 60 * SEC;
      e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, now);
    }
    const estimate = e.handleTimeEstimate(now);
    expect(estimate).toBeGreaterThan(55_000);
    expect(estimate).toBeLessThan(120_000);
  });
});

// ---- strategies ------------------------------------------------------------------------------------

describe('queues: agent selection strategies', () => {
  it('most-proficient: the highest level on the requirement’s skills, summed; ties by idle time then id', () => {
    const e = engine({
      queues: [queue('q', { strategy: 'most-proficient', requirement: { all: [{ skill: 'billing' }, { skill: 'lang.fa' }] } })],
      agents: [
        agent('x-10', { skills: { billing: 5, 'lang.fa': 5 }, idleSince: T0 - 1_000 }),
        agent('y-10-idle-longer', { skills: { billing: 9, 'lang.fa': 1 }, idleSince: T0 - 9_000 }),
        agent('z-12', { skills: { billing: 8, 'lang.fa': 4 } }),
        agent('w-not-eligible', { skills: { billing: 10 } }),
      ],
      tasks: [task('t1', 'q')],
    });
    const [offer] = offersOf(e.decide(T0));
    expect(offer?.agentId).toBe('z-12');
    expect(offer?.why.rule).toBe('most-proficient');
    expect(offer?.why.ranked).toEqual(['z-12', 'y-10-idle-longer', 'x-10']);
    expect(offer?.why.candidates).toBe(3);
  });

  it('best-fit: small work goes to the busiest agent it still fits, keeping idle agents whole for calls; ties by skill', () => {
    const e = engine({
      queues: [queue('mail', { channel: 'email', strategy: 'best-fit', requirement: { skill: 'billing' } })],
      agents: [
        agent('idle', { skills: { billing: 9 }, idleSince: T0 - 900_000 }),
        agent('half', { skills: { billing: 2 }, used: 50 }),
        agent('almost-full', { skills: { billing: 2 }, used: 95 }),
        agent('half-skilled', { skills: { billing: 7 }, used: 50 }),
      ],
      tasks: [task('m1', 'mail', { cost: 10 })],
    });
    const [offer] = offersOf(e.decide(T0));
    // almost-full has 5 units left: too little for a 10-unit email.
    expect(offer?.agentId).toBe('half-skilled');
    expect(offer?.why.ranked).toEqual(['half-skilled', 'half', 'idle']);
    expect(offer?.why.strategy).toBe('best-fit');
  });

  it('round-robin: the next agent by id after the last one this queue offered to, skipping who cannot take it', () => {
    const e = engine({
      queues: [queue('rr', { strategy: 'round-robin' }), queue('rr2', { strategy: 'round-robin' })],
      agents: [agent('a', { idleSince: T0 }), agent('b', { idleSince: T0 - 5_000 }), agent('c', { idleSince: T0 - 9_000 })],
    });
    let now = T0;
    const next = (queueId: string) => {
      now += 1_000;
      e.apply({ type: 'task.added', task: task(`t${now}`, queueId, { enqueuedAt: now }) }, now);
      const ds = e.decide(now);
      acceptAll(e, ds, now);
      const [offer] = offersOf(ds);
      e.apply({ type: 'work.released', agentId: offer!.agentId, cost: 34 }, now);
      return offer!.agentId;
    };
    expect([next('rr'), next('rr'), next('rr'), next('rr')]).toEqual(['a', 'b', 'c', 'a']);
    // Each queue has its own memory.
    expect(next('rr2')).toBe('a');
    expect(next('rr')).toBe('b');
    e.apply({ type: 'agent.upserted', agent: agent('c', { status: 'away' }) }, now);
    expect([next('rr'), next('rr'), next('rr')]).toEqual(['a', 'b', 'a']);
  });

  it('least-occupied: lowest current load first, then lowest rolling occupancy, even against a longer idle time', () => {
    const e = engine({
      queues: [queue('voice', { channel: 'voice' }), queue('lo', { strategy: 'least-occupied' }), queue('li')],
      agents: [agent('worked', { idleSince: T0 - 5 * MIN }), agent('rested', { status: 'away', idleSince: T0 - 60 * MIN })],
      tasks: [task('call', 'voice', { channel: 'voice', cost: 100 })],
    });
    acceptAll(e, e.decide(T0), T0); // 'worked' takes a 10-minute call
    e.apply({ type: 'work.released', agentId: 'worked', cost: 100 }, T0 + 10 * MIN);
    e.apply({ type: 'agent.upserted', agent: agent('rested', { idleSince: T0 }) }, T0 + 15 * MIN); // back at 15 min
    const now = T0 + 20 * MIN;
    expect(e.agent('worked')!.idleSince).toBeLessThan(e.agent('rested')!.idleSince);
    expect(e.occupancy('worked', now)).toBeGreaterThan(e.occupancy('rested', now)!);
    e.apply({ type: 'task.added', task: task('for-li', 'li', { enqueuedAt: now }) }, now);
    e.apply({ type: 'task.added', task: task('for-lo', 'lo', { enqueuedAt: now + 1 }) }, now);
    // Longest idle picks 'worked' first; least occupied then prefers 'rested', who has worked less.
    const ds = e.decide(now);
    expect(pairs(ds)).toEqual([
      ['for-li', 'worked'],
      ['for-lo', 'rested'],
    ]);
    expect(offersOf(ds)[1]?.why.rule).toBe('least-occupied');
  });

  it('least-occupied: an agent with open work ranks after one with none', () => {
    const e = engine({
      queues: [queue('lo', { strategy: 'least-occupied' })],
      agents: [agent('one-chat', { used: 34, idleSince: T0 - 60 * MIN }), agent('free', { idleSince: T0 })],
      tasks: [task('t1', 'lo')],
    });
    expect(pairs(e.decide(T0))).toEqual([['t1', 'free']]);
  });
});

// ---- reserve -------------------------------------------------------------------------------------

describe('queues: reserve (small work keeps agents whole for higher-priority queues)', () => {
  // Calls (priority 20) need the 'voice' skill and a whole agent; chats (priority 10, threshold 30 s:
  // held back for at most 15 s) need 'chat'. The reserve is 10 % of the call queue's online staff,
  // at least one agent.
  const calls = () => queue('calls', { channel: 'voice', priority: 20, requirement: { skill: 'voice' }, strategy: 'most-proficient' });
  const chats = (over: Partial<QueueConfig> = {}) =>
    queue('chats', { priority: 10, requirement: { skill: 'chat' }, strategy: 'reserve', serviceLevel: { targetFraction: 0.8, thresholdSeconds: 30 }, ...over });
  const call = (id: string, at = T0) => task(id, 'calls', { channel: 'voice', cost: 100, enqueuedAt: at });
  const both = { voice: 3, chat: 3 };

  /** A floor where one call has been offered, so the engine knows calls need whole agents. */
  function floor(agents: EngineAgent[], options: EngineOptions = {}): RoutingEngine {
    const e = engine({ queues: [calls(), chats()], agents: [agent('busy', { skills: { voice: 5, chat: 3 } }), ...agents], tasks: [call('c0')], options });
    const ds = e.decide(T0);
    expect(pairs(ds)).toEqual([['c0', 'busy']]);
    acceptAll(e, ds, T0);
    return e;
  }

  it('a young chat does not take the last agent ready for calls; it goes to them once it has waited half its threshold', () => {
    const e = floor([agent('senior', { skills: both })]);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 }) }, T0);
    expect(offersOf(e.decide(T0))).toEqual([]);
    expect(offersOf(e.decide(T0 + 14 * SEC))).toEqual([]);
    const [offer] = offersOf(e.decide(T0 + 15 * SEC));
    expect(offer).toMatchObject({ taskId: 'chat1', agentId: 'senior' });
  });

  it('an agent calls cannot use takes the chat at once, and so does one already busy with small work', () => {
    const e = floor([agent('senior', { skills: both, idleSince: T0 - 30 * MIN }), agent('chat-only', { skills: { chat: 2 } }), agent('half', { skills: both, used: 34 })]);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 }) }, T0);
    e.apply({ type: 'task.added', task: task('chat2', 'chats', { enqueuedAt: T0 + 1 }) }, T0 + 1);
    const ds = e.decide(T0 + 1);
    // Packed first (as best-fit), then the agent no call queue can use; the idle senior stays whole.
    expect(pairs(ds)).toEqual([
      ['chat1', 'half'],
      ['chat2', 'chat-only'],
    ]);
    expect(offersOf(ds)[0]?.why.strategy).toBe('reserve');
  });

  it('with more agents ready for calls than the reserve, a chat takes one at once; between equally loaded agents, the one fewer call queues can use', () => {
    const e = engine({
      queues: [calls(), queue('sales-calls', { channel: 'voice', priority: 20, requirement: { skill: 'sales' } }), chats()],
      agents: [agent('generalist', { skills: { voice: 3, sales: 3, chat: 3 }, idleSince: T0 - 30 * MIN }), agent('specialist', { skills: both }), agent('other', { skills: { voice: 1 } })],
      tasks: [call('c0')],
    });
    // The call goes to the generalist (equal voice levels, idle longest).
    expect(pairs(e.decide(T0))).toEqual([['c0', 'generalist']]);
    e.apply({ type: 'work.released', agentId: 'generalist', cost: 100 }, T0 + SEC);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 + SEC }) }, T0 + SEC);
    // Three agents ready for calls, reserve one: the chat may take one, and the specialist (one call queue) goes before the generalist (two).
    expect(pairs(e.decide(T0 + SEC))).toEqual([['chat1', 'specialist']]);
  });

  it('the explanation says how many agents were passed over', () => {
    // 'small' can use calls' skills but has room for no call, so it is never kept; 'senior' ranks first and is.
    const e = floor([agent('senior', { skills: { voice: 3, chat: 5 } }), agent('small', { skills: both, capacity: 68 })]);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 }) }, T0);
    const [offer] = offersOf(e.decide(T0));
    expect(offer).toMatchObject({ taskId: 'chat1', agentId: 'small' });
    expect(offer?.why.reservedSkipped).toBe(1);
    expect(offer?.why.summary).toContain('1 agent(s) passed over: kept ready for higher-priority queues');
  });

  it('a held chat is offered as soon as another agent becomes ready for calls, though neither it nor its agent changed', () => {
    const e = floor([agent('senior', { skills: both }), agent('voice-only', { skills: { voice: 5 }, used: 100 })]);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 }) }, T0);
    expect(offersOf(e.decide(T0 + SEC))).toEqual([]);
    // The voice-only agent frees up: the senior is no longer the last one ready for calls.
    e.apply({ type: 'work.released', agentId: 'voice-only', cost: 100 }, T0 + 2 * SEC);
    expect(pairs(e.decide(T0 + 2 * SEC))).toEqual([['chat1', 'senior']]);
  });

  it('while calls are waiting, no whole agent who could take one goes to a young chat', () => {
    const e = engine({
      queues: [calls(), chats()],
      agents: [agent('a', { skills: both, used: 100 }), agent('b', { skills: both, used: 100 }), agent('free', { skills: { chat: 3, voice: 3 }, status: 'away' })],
      tasks: [call('c1'), call('c2')],
    });
    expect(e.decide(T0)).toEqual([]);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 }) }, T0);
    // 'free' comes back: the waiting calls come first (priority), the chat is not given anyone.
    e.apply({ type: 'agent.upserted', agent: agent('free', { skills: { chat: 3, voice: 3 } }) }, T0 + SEC);
    expect(pairs(e.decide(T0 + SEC))).toEqual([['c1', 'free']]);
  });

  it('removing the higher-priority queue lets the held chat go at once', () => {
    const e = floor([agent('senior', { skills: both })]);
    e.apply({ type: 'task.added', task: task('chat1', 'chats', { enqueuedAt: T0 }) }, T0);
    expect(offersOf(e.decide(T0))).toEqual([]);
    e.apply({ type: 'queue.removed', queueId: 'calls' }, T0 + SEC);
    expect(pairs(e.decide(T0 + SEC))).toEqual([['chat1', 'senior']]);
  });

  it('holds back at most a minute, whatever the threshold (an email queue with an hour)', () => {
    const e = engine({
      queues: [calls(), chats({ serviceLevel: { targetFraction: 0.9, thresholdSeconds: 3600 } })],
      agents: [agent('busy', { skills: both }), agent('senior', { skills: both })],
      tasks: [call('c0')],
    });
    acceptAll(e, e.decide(T0), T0);
    e.apply({ type: 'task.added', task: task('mail', 'chats', { cost: 10, enqueuedAt: T0 }) }, T0);
    expect(offersOf(e.decide(T0 + 59 * SEC))).toEqual([]);
    expect(pairs(e.decide(T0 + 60 * SEC))).toEqual([['mail', 'senior']]);
  });

  it('without a higher-priority queue it is best-fit', () => {
    const e = engine({
      queues: [chats()],
      agents: [agent('idle', { skills: { chat: 9 }, idleSince: T0 - 900_000 }), agent('half', { skills: { chat: 2 }, used: 50 })],
      tasks: [task('t1', 'chats')],
    });
    expect(pairs(e.decide(T0))).toEqual([['t1', 'half']]);
  });
});

// ---- sticky --------------------------------------------------------------------------------------

describe('queues: sticky routing', () => {
  const sticky = (over: Partial<QueueConfig> = {}) => queue('q', { stickyWaitSeconds: 30, ...over });
  const customerTask = (over: Partial<EngineTask> = {}) => task('t1', 'q', { customerId: 'cust-1', stickyAgentId: 'sara', ...over });

  it('goes to the customer’s agent when they are online with room, ahead of agents idle longer', () => {
    const e = engine({ queues: [sticky()], agents: [agent('old-idle', { idleSince: T0 - 900_000 }), agent('sara')], tasks: [customerTask()] });
    const [offer] = offersOf(e.decide(T0));
    expect(offer?.agentId).toBe('sara');
    expect(offer?.why).toMatchObject({ rule: 'sticky', sticky: 'preferred-agent', candidates: 1, ranked: ['sara'] });
  });

  it('waits for the customer’s agent while they are busy, within the budget', () => {
    const e = engine({ queues: [sticky()], agents: [agent('other'), agent('sara', { used: 100 })], tasks: [customerTask()] });
    expect(e.decide(T0)).toEqual([]);
    expect(e.task('t1')?.heldFor).toBe('sara');
    e.apply({ type: 'work.released', agentId: 'sara', cost: 100 }, T0 + 10 * SEC);
    expect(pairs(e.decide(T0 + 10 * SEC))).toEqual([['t1', 'sara']]);
  });

  it('never waits past the budget: at enqueuedAt + stickyWaitSeconds anyone may take it', () => {
    const e = engine({ queues: [sticky()], agents: [agent('other'), agent('sara', { used: 100 })], tasks: [customerTask()] });
    expect(e.decide(T0 + 30 * SEC - 1)).toEqual([]);
    const [offer] = offersOf(e.decide(T0 + 30 * SEC));
    expect(offer?.agentId).toBe('other');
    expect(offer?.why).toMatchObject({ rule: 'longest-idle', sticky: 'budget-expired' });
    expect(e.task('t1')?.heldFor).toBeNull();
  });

  it('does not wait at all when the agent is away, on break, offline, has no console, is unknown or lacks the skill', () => {
    const cases: [string, EngineAgent[], Partial<QueueConfig>][] = [
      ['away', [agent('sara', { status: 'away', used: 100 })], {}],
      ['break', [agent('sara', { status: 'break', used: 100 })], {}],
      ['offline', [agent('sara', { status: 'offline', used: 100 })], {}],
      ['disconnected', [agent('sara', { connected: false, used: 100 })], {}],
      ['unknown', [], {}],
      ['lacks the skill', [agent('sara', { used: 100 })], { requirement: { skill: 'billing' } }],
    ];
    for (const [label, sara, over] of cases) {
      const e = engine({ queues: [sticky(over)], agents: [agent('other', { skills: { billing: 1 } }), ...sara], tasks: [customerTask()] });
      const [offer] = offersOf(e.decide(T0));
      expect(offer?.agentId, label).toBe('other');
      expect(offer?.why.sticky, label).toBe('agent-unavailable');
    }
  });

  it('stops waiting as soon as the agent goes offline', () => {
    const e = engine({ queues: [sticky()], agents: [agent('other'), agent('sara', { used: 100 })], tasks: [customerTask()] });
    expect(e.decide(T0)).toEqual([]);
    e.apply({ type: 'agent.upserted', agent: agent('sara', { status: 'offline', used: 100 }) }, T0 + 5 * SEC);
    expect(pairs(e.decide(T0 + 5 * SEC))).toEqual([['t1', 'other']]);
  });

  it('stops waiting once the agent declined this task', () => {
    const e = engine({ queues: [sticky()], agents: [agent('other', { used: 100 }), agent('sara')], tasks: [customerTask()] });
    const ids = createAll(e, e.decide(T0), T0);
    e.apply({ type: 'work.released', agentId: 'other', cost: 100 }, T0 + 1 * SEC);
    e.apply({ type: 'offer.rejected', offerId: ids.get('t1')! }, T0 + 2 * SEC);
    expect(pairs(e.decide(T0 + 2 * SEC))).toEqual([['t1', 'other']]);
  });

  it('stickyWaitSeconds 0 turns it off, and tasks of unknown queues ignore it', () => {
    for (const e of [
      engine({ queues: [sticky({ stickyWaitSeconds: 0 })], agents: [agent('old-idle', { idleSince: T0 - 900_000 }), agent('sara')], tasks: [customerTask()] }),
      engine({ agents: [agent('old-idle', { idleSince: T0 - 900_000 }), agent('sara')], tasks: [customerTask()] }),
    ]) {
      expect(pairs(e.decide(T0))).toEqual([['t1', 'old-idle']]);
    }
  });
});

// ---- wrap-up and presence --------------------------------------------------------------------------

describe('agents: wrap-up and presence', () => {
  it('work.released with wrapUpMs keeps the agent out of routing until the wrap-up ends; idle time starts then', () => {
    const e = engine({ queues: [queue('q')], agents: [agent('ana', { used: 34 })], tasks: [task('t1', 'q')] });
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34, wrapUpMs: 30_000 }, T0);
    expect(e.agent('ana')).toMatchObject({ used: 0, wrapUpUntil: T0 + 30_000, idleSince: T0 + 30_000 });
    expect(e.decide(T0 + 30_000 - 1)).toEqual([]);
    // No event needed: the clock alone ends the wrap-up.
    expect(pairs(e.decide(T0 + 30_000))).toEqual([['t1', 'ana']]);
  });

  it('without wrapUpMs, the wrap-up of the queue named in work.released applies', () => {
    const e = engine({ queues: [queue('q', { wrapUpSeconds: 15 })], agents: [agent('ana', { used: 34 })], tasks: [task('t1', 'q')] });
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34, queueId: 'q' }, T0);
    expect(e.decide(T0 + 14_999)).toEqual([]);
    expect(pairs(e.decide(T0 + 15_000))).toEqual([['t1', 'ana']]);
  });

  it('agent.upserted restores a wrap-up after a restart, and clears it when it no longer says so', () => {
    const e = engine({ queues: [queue('q')], agents: [agent('ana', { wrapUpUntil: T0 + 20_000 })], tasks: [task('t1', 'q')] });
    expect(e.decide(T0)).toEqual([]);
    e.apply({ type: 'agent.upserted', agent: agent('ana') }, T0 + 1_000);
    expect(pairs(e.decide(T0 + 1_000))).toEqual([['t1', 'ana']]);
  });

  it('an agent on break gets no work, like away, and is back in rotation when available', () => {
    const e = engine({ queues: [queue('q')], agents: [agent('ana', { status: 'break' })], tasks: [task('t1', 'q')] });
    expect(e.decide(T0)).toEqual([]);
    e.apply({ type: 'agent.upserted', agent: agent('ana', { status: 'available' }) }, T0 + 1_000);
    expect(pairs(e.decide(T0 + 1_000))).toEqual([['t1', 'ana']]);
    expect(e.agent('ana')?.idleSince).toBe(T0 + 1_000); // back from break: behind agents already waiting
  });
});

// ---- drain rule --------------------------------------------------------------------------------------

describe('queues: an old big task is not starved by a stream of small ones', () => {
  // One queue, SL threshold 20 s. Ana can hold 100: a call (100) needs her completely free.
  const setup = (agents: EngineAgent[]) =>
    engine({ queues: [queue('q')], agents, tasks: [task('call', 'q', { channel: 'voice', cost: 100 }), task('c1', 'q', { enqueuedAt: T0 + 1 * SEC })] });

  it('before the SL threshold small work flows; past it the agent is kept free until the call fits', () => {
    const e = setup([agent('ana', { used: 68 })]);
    expect(e.decide(T0 + 1 * SEC)).toEqual([]);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 5 * SEC);
    acceptAll(e, e.decide(T0 + 5 * SEC), T0 + 5 * SEC); // c1 fits and the call has not waited 20 s yet
    expect(e.agent('ana')?.used).toBe(68);

    e.apply({ type: 'task.added', task: task('c2', 'q', { enqueuedAt: T0 + 25 * SEC }) }, T0 + 25 * SEC);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 25 * SEC);
    expect(e.decide(T0 + 25 * SEC)).toEqual([]); // room for c2, but she is kept for the call
    expect(e.task('call')?.drainingAgent).toBe('ana');

    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 30 * SEC);
    const ds = e.decide(T0 + 30 * SEC);
    expect(pairs(ds)).toEqual([['call', 'ana']]);
    expect(offersOf(ds)[0]?.why.drained).toBe(true);
    expect(e.task('c2')?.phase).toBe('waiting');
  });

  it('keeps only one agent for the call: the rest of the floor keeps serving small work', () => {
    const e = setup([agent('ana', { used: 68, idleSince: T0 - 90_000 }), agent('bob', { used: 68 })]);
    e.apply({ type: 'task.added', task: task('c2', 'q', { enqueuedAt: T0 + 2 * SEC }) }, T0 + 2 * SEC);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 25 * SEC);
    e.apply({ type: 'work.released', agentId: 'bob', cost: 34 }, T0 + 25 * SEC);
    // Ana (first in line for c1) is kept for the call; Bob takes c1, and c2 does not fit anyone now.
    expect(pairs(e.decide(T0 + 25 * SEC))).toEqual([['c1', 'bob']]);
    expect(e.task('call')?.drainingAgent).toBe('ana');
  });

  it('lets the agent go when the call leaves the queue', () => {
    const e = setup([agent('ana', { used: 68 })]);
    e.apply({ type: 'work.released', agentId: 'ana', cost: 34 }, T0 + 25 * SEC);
    expect(e.decide(T0 + 25 * SEC)).toEqual([]);
    e.apply({ type: 'task.removed', taskId: 'call' }, T0 + 26 * SEC); // the caller hung up
    expect(pairs(e.decide(T0 + 26 * SEC))).toEqual([['c1', 'ana']]);
  });
});

// ---- configuration changes ------------------------------------------------------------------------------

describe('queues: configuration changes', () => {
  it('tasks queued before their queue was known move from the legacy AND list to the queue requirement', () => {
    const e = engine({ agents: [agent('seller', { skills: { sales: 1 } })], tasks: [task('t1', 'q', { requiredSkills: [{ skill: 'billing', minLevel: 1 }] })] });
    expect(e.decide(T0)).toEqual([]);
    expect(e.task('t1')?.configured).toBe(false);
    e.apply({ type: 'queue.upserted', queue: queue('q', { requirement: { skill: 'sales' } }) }, T0 + 1);
    expect(pairs(e.decide(T0 + 1))).toEqual([['t1', 'seller']]);
  });

  it('re-sending the same configuration changes nothing; a changed requirement re-routes waiting tasks', () => {
    const e = engine({ queues: [queue('q', { requirement: { skill: 'billing' } })], agents: [agent('seller', { skills: { sales: 1 } })], tasks: [task('t1', 'q')] });
    expect(e.decide(T0)).toEqual([]);
    expect(e.apply({ type: 'queue.upserted', queue: queue('q', { requirement: { skill: 'billing' } }) }, T0 + 1)).toBe(true);
    expect(e.decide(T0 + 1)).toEqual([]);
    e.apply({ type: 'queue.upserted', queue: queue('q', { requirement: { any: [{ skill: 'billing' }, { skill: 'sales' }] } }) }, T0 + 2);
    expect(pairs(e.decide(T0 + 2))).toEqual([['t1', 'seller']]);
  });

  it('queue.removed puts its tasks back on the legacy rules; an unknown queue is ignored', () => {
    const e = engine({ queues: [queue('q', { requirement: { skill: 'sales' } })], agents: [agent('ana')], tasks: [task('t1', 'q')] });
    expect(e.decide(T0)).toEqual([]);
    expect(e.apply({ type: 'queue.removed', queueId: 'nope' }, T0)).toBe(false);
    expect(e.apply({ type: 'queue.removed', queueId: 'q' }, T0 + 1)).toBe(true);
    expect(pairs(e.decide(T0 + 1))).toEqual([['t1', 'ana']]);
  });

  it('a malformed configuration never makes it throw', () => {
    const e = engine({ agents: [agent('ana')], tasks: [task('t1', 'q')] });
    const bad = [
      { ...queue('q'), requirement: { all: [] } },
      { ...queue('q'), requirement: { any: [] } },
      { ...queue('q'), escalation: [{ afterSeconds: Number.NaN, lowerMinLevelBy: -3 }, null] },
      { ...queue('q'), serviceLevel: null, agingPerMinute: Number.POSITIVE_INFINITY, strategy: 'nope' },
      { ...queue('q'), requirement: 'billing' },
    ] as unknown as QueueConfig[];
    let now = T0;
    for (const q of bad) {
      now += 1_000;
      expect(() => e.apply({ type: 'queue.upserted', queue: q }, now)).not.toThrow();
      expect(() => e.decide(now)).not.toThrow();
    }
  });
});
