/**
 * The oracle (upper bound): it knows every callee's outcome and every agent's free time, so an agent
 * that frees up is connected at once to the next person on the list, never waits and never drops
 * anyone. Machines AMD would pass as people still cost their 8 s; everything else costs nothing (it
 * was dialled ahead, with no calls-per-second cap). Same list, same draws, same shocks and calling
 * windows as the policies: 60·T / (T + W + M) talk minutes per agent-hour on a steady day.
 */
import { EventHeap } from './heap.js';
import { DAY_START_MS, dayParams, drawAttempt, leadList, MACHINE_HANDLING_MS, trueOutcome, type Scenario } from './population.js';
import { localMinutes, type RunResult } from './sim.js';

const HOUR = 3_600_000;
const BREAK_MS = 30 * 60_000;

export function simulateOracle(scenario: Scenario, seed: number): RunResult {
  const day = dayParams(seed);
  const leads = leadList(seed);
  const start = DAY_START_MS;
  const end = start + scenario.hours * HOUR;
  const result: RunResult = {
    policy: 'oracle',
    variant: '',
    scenario: scenario.id,
    seed,
    day,
    talkMs: 0,
    loggedMs: 0,
    busyMs: 0,
    live: 0,
    abandoned: 0,
    machineVerdicts: 0,
    falsePositives: 0,
    connects: 0,
    dials: 0,
    leadsUsed: 0,
    peakCps: 0,
    waitsMs: [],
    worst1h: 0,
    violations: { window: 0, dnc: 0, redial: 0, 'calls-per-second': 0, 'ring-time': 0, 'no-agents': 0 },
    shockAbandon: 0,
    fallbackSeconds: 0,
    decisions: 0,
  };
  const clip = (a: number, b: number) => Math.max(0, Math.min(b, end) - Math.max(a, start));
  const heap = new EventHeap<{ t: number; seq: number; agent: number; breakTaken: boolean }>();
  for (let i = 0; i < scenario.agents; i++) heap.push({ t: start, agent: i, breakTaken: false });
  const logoffAt = (i: number) => (scenario.shocks ? end - 0.5 * HOUR + (i * 0.5 * HOUR) / scenario.agents : Infinity);
  let next = 0;
  const loggedUntil = new Array<number>(scenario.agents).fill(end);
  let breakMs = 0;
  for (let e = heap.pop(); e; e = heap.pop()) {
    const f = e.t;
    if (f >= end) continue;
    if (f >= logoffAt(e.agent)) {
      loggedUntil[e.agent] = f;
      continue;
    }
    if (scenario.shocks && !e.breakTaken && e.agent < Math.floor(scenario.agents / 2) && f >= start + 2 * HOUR) {
      breakMs += clip(f, f + BREAK_MS);
      heap.push({ t: f + BREAK_MS, agent: e.agent, breakTaken: true });
      continue;
    }
    const p = scenario.shocks && f >= start + 4 * HOUR ? scenario.pAfterShock : scenario.p;
    // The next person on the list who may be called now; machines AMD would pass cost 8 s each.
    let busy = 0;
    for (;;) {
      const lead = leads.get(next++);
      if (lead.dnc) continue;
      const minutes = localMinutes(lead.zone, f);
      if (minutes < 8 * 60 || minutes >= 21 * 60 - 1) continue;
      result.leadsUsed++;
      result.dials++;
      const draw = drawAttempt(seed, lead.index, 0, scenario, day);
      const outcome = trueOutcome(draw, p);
      if (outcome === 'machine' && draw.amdU < day.amdFalseNegative) {
        busy += MACHINE_HANDLING_MS;
        continue;
      }
      if (outcome !== 'person') continue;
      result.live++;
      result.connects++;
      const talkStart = f + busy;
      result.talkMs += clip(talkStart, talkStart + draw.talkMs);
      busy += draw.talkMs + draw.wrapMs;
      result.waitsMs.push(0);
      break;
    }
    result.busyMs += clip(f, f + busy);
    heap.push({ t: f + busy, agent: e.agent, breakTaken: e.breakTaken });
  }
  // Logged-in time: the shift, less breaks and time after logging off.
  for (let i = 0; i < scenario.agents; i++) result.loggedMs += clip(start, loggedUntil[i]!);
  result.loggedMs -= breakMs;
  return result;
}
