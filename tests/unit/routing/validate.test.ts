import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateQueues } from '../../../src/routing/engine/index.js';
import type { QueueConfig, SkillExpr } from '../../../src/routing/engine/index.js';
import { queue } from './fixtures.js';

const KNOWN = new Set(['billing', 'sales', 'lang.fa', 'lang.en', 'team.north']);

const good = (): QueueConfig[] => [
  queue('q1', {
    requirement: { all: [{ skill: 'billing', minLevel: 3 }, { any: [{ skill: 'lang.fa' }, { skill: 'lang.en', minLevel: 2 }] }] },
    escalation: [
      { afterSeconds: 20, lowerMinLevelBy: 1 },
      { afterSeconds: 40, alsoAccept: { skill: 'team.north' } },
      { afterSeconds: 90, overflowToQueueId: 'q2' },
    ],
    predictiveEscalation: true,
    agingPerMinute: 0.5,
    stickyWaitSeconds: 30,
    wrapUpSeconds: 15,
  }),
  queue('q2', { requirement: { skill: 'sales' }, serviceLevel: { targetFraction: 1, thresholdSeconds: 60 } }),
  queue('q3'),
];

/** Applies a change to a copy of the good configuration and returns the issues. */
function issuesAfter(change: (qs: QueueConfig[]) => void, known: Set<string> | null = KNOWN) {
  const qs = good();
  change(qs);
  return known ? validateQueues(qs, known) : validateQueues(qs);
}

const paths = (xs: { path: string }[]) => xs.map((x) => x.path);

describe('validateQueues', () => {
  it('accepts a well-formed configuration, with or without the list of known skills', () => {
    expect(validateQueues(good(), KNOWN)).toEqual([]);
    expect(validateQueues(good())).toEqual([]);
    expect(validateQueues([])).toEqual([]);
  });

  it('rejects empty "all" and "any", naming the field', () => {
    expect(issuesAfter((qs) => (qs[0]!.requirement = { all: [] }))).toEqual([
      { path: 'queues[0].requirement.all', message: 'an empty "all" is not allowed: give at least one expression' },
    ]);
    expect(paths(issuesAfter((qs) => (qs[2]!.requirement = { all: [{ skill: 'billing' }, { any: [] }] })))).toEqual(['queues[2].requirement.all[1].any']);
    expect(paths(issuesAfter((qs) => (qs[0]!.escalation[1]!.alsoAccept = { any: [] })))).toEqual(['queues[0].escalation[1].alsoAccept.any']);
  });

  it('rejects minimum levels outside 1..10 or not whole', () => {
    for (const minLevel of [0, 11, -1, 2.5, Number.NaN]) {
      const issues = issuesAfter((qs) => (qs[1]!.requirement = { skill: 'sales', minLevel }));
      expect(paths(issues), String(minLevel)).toEqual(['queues[1].requirement.minLevel']);
      expect(issues[0]!.message).toMatch(/whole number from 1 to 10/);
    }
    expect(issuesAfter((qs) => (qs[1]!.requirement = { skill: 'sales', minLevel: 10 }))).toEqual([]);
  });

  it('rejects malformed skill names', () => {
    for (const skill of ['Billing', '', '-x', '.x', 'a b', 'x'.repeat(65), 'lang/fa']) {
      const issues = issuesAfter((qs) => (qs[1]!.requirement = { skill }));
      expect(paths(issues), skill).toEqual(['queues[1].requirement.skill']);
      expect(issues[0]!.message).toMatch(/bad skill name/);
    }
    expect(issuesAfter((qs) => (qs[1]!.requirement = { skill: 'x'.repeat(64) }), null)).toEqual([]);
  });

  it('rejects unknown skills when the known skills are given', () => {
    expect(issuesAfter((qs) => (qs[0]!.escalation[1]!.alsoAccept = { all: [{ skill: 'sales' }, { skill: 'legal' }] }))).toEqual([
      { path: 'queues[0].escalation[1].alsoAccept.all[1].skill', message: 'unknown skill "legal"' },
    ]);
    expect(issuesAfter((qs) => (qs[0]!.escalation[1]!.alsoAccept = { skill: 'legal' }), null)).toEqual([]);
  });

  it('rejects expressions that are not exactly one of skill / all / any', () => {
    const odd = [{ skill: 'sales', all: [{ skill: 'billing' }] }, {}, 'sales', null, [{ skill: 'sales' }], { any: 'sales' }, { skill: 'sales', level: 3 }];
    for (const e of odd) {
      const issues = issuesAfter((qs) => (qs[2]!.escalation = [{ afterSeconds: 5, alsoAccept: e as unknown as SkillExpr }]));
      expect(issues.length, JSON.stringify(e)).toBeGreaterThan(0);
      expect(issues[0]!.path.startsWith('queues[2].escalation[0].alsoAccept')).toBe(true);
    }
  });

  it('rejects escalation steps that are not in increasing afterSeconds', () => {
    expect(issuesAfter((qs) => (qs[0]!.escalation[1]!.afterSeconds = 20))).toEqual([
      { path: 'queues[0].escalation[1].afterSeconds', message: "steps must come in increasing afterSeconds: 20 is not after the previous step's 20" },
    ]);
    expect(paths(issuesAfter((qs) => (qs[0]!.escalation[2]!.afterSeconds = 10)))).toEqual(['queues[0].escalation[2].afterSeconds']);
  });

  it('rejects a step that does nothing, and steps after an overflow (never reached)', () => {
    expect(paths(issuesAfter((qs) => (qs[2]!.escalation = [{ afterSeconds: 10 }])))).toEqual(['queues[2].escalation[0]']);
    expect(paths(issuesAfter((qs) => qs[0]!.escalation.push({ afterSeconds: 120, lowerMinLevelBy: 1 })))).toEqual(['queues[0].escalation[3]']);
  });

  it('rejects overflow to an unknown queue', () => {
    expect(issuesAfter((qs) => (qs[0]!.escalation[2]!.overflowToQueueId = 'q9'))).toEqual([
      { path: 'queues[0].escalation[2].overflowToQueueId', message: 'unknown queue "q9"' },
    ]);
  });

  it('rejects overflow cycles and names them', () => {
    expect(issuesAfter((qs) => (qs[1]!.escalation = [{ afterSeconds: 30, overflowToQueueId: 'q1' }]))).toEqual([
      { path: 'queues[1].escalation[0].overflowToQueueId', message: 'overflow cycle q1 → q2 → q1' },
    ]);
    expect(issuesAfter((qs) => (qs[2]!.escalation = [{ afterSeconds: 30, overflowToQueueId: 'q3' }]))).toEqual([
      { path: 'queues[2].escalation[0].overflowToQueueId', message: 'overflow cycle q3 → q3' },
    ]);
    const three = issuesAfter((qs) => {
      qs[1]!.escalation = [{ afterSeconds: 30, overflowToQueueId: 'q3' }];
      qs[2]!.escalation = [{ afterSeconds: 30, overflowToQueueId: 'q1' }];
    });
    expect(three).toEqual([{ path: 'queues[2].escalation[0].overflowToQueueId', message: 'overflow cycle q1 → q2 → q3 → q1' }]);
    // A chain that merely joins (q3 → q2, q1 → q2) is fine.
    expect(issuesAfter((qs) => (qs[2]!.escalation = [{ afterSeconds: 30, overflowToQueueId: 'q2' }]))).toEqual([]);
  });

  it('rejects a service level fraction outside (0, 1] and a threshold that is not positive', () => {
    for (const f of [0, -0.1, 1.5, Number.NaN]) {
      expect(paths(issuesAfter((qs) => (qs[1]!.serviceLevel.targetFraction = f))), String(f)).toEqual(['queues[1].serviceLevel.targetFraction']);
    }
    for (const th of [0, -20]) expect(paths(issuesAfter((qs) => (qs[1]!.serviceLevel.thresholdSeconds = th)))).toEqual(['queues[1].serviceLevel.thresholdSeconds']);
  });

  it('rejects negative numbers', () => {
    const cases: [(qs: QueueConfig[]) => void, string][] = [
      [(qs) => (qs[0]!.escalation[0]!.afterSeconds = -1), 'queues[0].escalation[0].afterSeconds'],
      [(qs) => (qs[0]!.escalation[0]!.lowerMinLevelBy = -1), 'queues[0].escalation[0].lowerMinLevelBy'],
      [(qs) => (qs[0]!.agingPerMinute = -1), 'queues[0].agingPerMinute'],
      [(qs) => (qs[0]!.stickyWaitSeconds = -5), 'queues[0].stickyWaitSeconds'],
      [(qs) => (qs[0]!.wrapUpSeconds = -1), 'queues[0].wrapUpSeconds'],
    ];
    for (const [change, path] of cases) {
      const issues = issuesAfter(change);
      expect(paths(issues), path).toContain(path);
    }
  });

  it('rejects duplicate queue ids, unknown strategies and channels', () => {
    expect(paths(issuesAfter((qs) => (qs[2]!.id = 'q1')))).toEqual(['queues[2].id']);
    expect(paths(issuesAfter((qs) => (qs[2]!.strategy = 'random' as never)))).toEqual(['queues[2].strategy']);
    expect(paths(issuesAfter((qs) => (qs[2]!.channel = 'fax' as never)))).toEqual(['queues[2].channel']);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.array(fc.anything(), { maxLength: 4 }), (x, xs) => {
        expect(Array.isArray(validateQueues(x as QueueConfig[]))).toBe(true);
        expect(Array.isArray(validateQueues(xs as QueueConfig[], KNOWN))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- property: every malformation is caught, at its field ---------------------------------------------

const skillArb = fc.constantFrom('billing', 'sales', 'lang.fa', 'lang.en', 'team.north');
const exprArb: fc.Arbitrary<SkillExpr> = fc.letrec<{ e: SkillExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ skill: skillArb, minLevel: fc.integer({ min: 1, max: 10 }) }),
    fc.record({ all: fc.array(tie('e'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('e'), { minLength: 1, maxLength: 3 }) }),
  ),
})).e;

/** A valid configuration: overflow only to later queues, so it never cycles. */
const configArb = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      fc.record({
        requirement: fc.option(exprArb, { nil: null }),
        steps: fc.array(
          fc.record({ gap: fc.integer({ min: 1, max: 100 }), lower: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }), also: fc.option(exprArb, { nil: undefined }) }),
          { maxLength: 3 },
        ),
        overflow: i < n - 1 ? fc.option(fc.integer({ min: i + 1, max: n - 1 }), { nil: undefined }) : fc.constant(undefined),
        priority: fc.integer({ min: -100, max: 100 }),
        fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
      }),
    ),
  ).map((specs) =>
    specs.map((s, i) => {
      let after = 0;
      const escalation = s.steps.map((st) => {
        after += st.gap;
        return { afterSeconds: after, lowerMinLevelBy: st.lower ?? (st.also ? undefined : 1), alsoAccept: st.also };
      });
      if (s.overflow !== undefined) escalation.push({ afterSeconds: after + 10, overflowToQueueId: `q${s.overflow}` } as never);
      return queue(`q${i}`, {
        requirement: s.requirement,
        priority: s.priority,
        serviceLevel: { targetFraction: s.fraction, thresholdSeconds: 20 },
        escalation: escalation.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as never),
      });
    }),
  ),
);

type Mutation = { apply: (qs: QueueConfig[]) => boolean; path: (qs: QueueConfig[]) => RegExp };

/** Finds the first leaf of an expression tree and returns a setter for it plus its path. */
function firstLeaf(e: SkillExpr, path: string): { leaf: { skill: string; minLevel?: number }; path: string } {
  if ('skill' in e) return { leaf: e, path };
  if ('all' in e) return firstLeaf(e.all[0]!, `${path}.all[0]`);
  return firstLeaf(e.any[0]!, `${path}.any[0]`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const mutations: Record<string, (k: number) => Mutation> = {
  emptyAll: (k) => ({
    apply: (qs) => ((qs[k % qs.length]!.requirement = { all: [] }), true),
    path: (qs) => new RegExp(`^${esc(`queues[${k % qs.length}].requirement.all`)}$`),
  }),
  badLevel: (k) => {
    let p = '';
    return {
      apply: (qs) => {
        const q = qs[k % qs.length]!;
        if (!q.requirement) return false;
        const f = firstLeaf(q.requirement, `queues[${k % qs.length}].requirement`);
        f.leaf.minLevel = [0, 11, 3.5][k % 3];
        p = `${f.path}.minLevel`;
        return true;
      },
      path: () => new RegExp(`^${esc(p)}$`),
    };
  },
  badName: (k) => {
    let p = '';
    return {
      apply: (qs) => {
        const q = qs[k % qs.length]!;
        if (!q.requirement) return false;
        const f = firstLeaf(q.requirement, `queues[${k % qs.length}].requirement`);
        f.leaf.skill = ['Billing', '', ' x'][k % 3]!;
        p = `${f.path}.skill`;
        return true;
      },
      path: () => new RegExp(`^${esc(p)}$`),
    };
  },
  unknownSkill: (k) => {
    let p = '';
    return {
      apply: (qs) => {
        const q = qs[k % qs.length]!;
        if (!q.requirement) return false;
        const f = firstLeaf(q.requirement, `queues[${k % qs.length}].requirement`);
        f.leaf.skill = 'legal';
        p = `${f.path}.skill`;
        return true;
      },
      path: () => new RegExp(`^${esc(p)}$`),
    };
  },
  stepsOutOfOrder: (k) => ({
    apply: (qs) => {
      const q = qs[k % qs.length]!;
      if (q.escalation.length < 2) return false;
      q.escalation[1]!.afterSeconds = q.escalation[0]!.afterSeconds;
      return true;
    },
    path: (qs) => new RegExp(`^${esc(`queues[${k % qs.length}].escalation[1].afterSeconds`)}$`),
  }),
  overflowUnknown: (k) => ({
    apply: (qs) => (qs[k % qs.length]!.escalation.push({ afterSeconds: 100_000, overflowToQueueId: 'nowhere' }), true),
    path: (qs) => new RegExp(`^${esc(`queues[${k % qs.length}].escalation[`)}\\d+\\]\\.overflowToQueueId$`),
  }),
  overflowCycle: (k) => ({
    apply: (qs) => {
      const i = k % qs.length;
      const q = qs[i]!;
      if (q.escalation.some((s) => s.overflowToQueueId)) return false;
      // Overflow to itself: the shortest cycle.
      q.escalation.push({ afterSeconds: 100_000, overflowToQueueId: `q${i}` });
      return true;
    },
    path: () => /escalation\[\d+\]\.overflowToQueueId$/,
  }),
  badFraction: (k) => ({
    apply: (qs) => ((qs[k % qs.length]!.serviceLevel.targetFraction = [0, 1.2, -0.5][k % 3]!), true),
    path: (qs) => new RegExp(`^${esc(`queues[${k % qs.length}].serviceLevel.targetFraction`)}$`),
  }),
  negative: (k) => ({
    apply: (qs) => {
      const q = qs[k % qs.length]!;
      const field = (['agingPerMinute', 'stickyWaitSeconds', 'wrapUpSeconds'] as const)[k % 3]!;
      q[field] = -1;
      return true;
    },
    path: (qs) => new RegExp(`^${esc(`queues[${k % qs.length}].`)}(agingPerMinute|stickyWaitSeconds|wrapUpSeconds)$`),
  }),
};

describe('validateQueues properties', () => {
  it('generated valid configurations pass', () => {
    fc.assert(
      fc.property(configArb, (qs) => {
        expect(validateQueues(qs, KNOWN)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('every malformation of a valid configuration is rejected, naming the field it broke', () => {
    fc.assert(
      fc.property(configArb, fc.constantFrom(...Object.keys(mutations)), fc.nat(), (qs, kind, k) => {
        const m = mutations[kind]!(k);
        fc.pre(m.apply(qs));
        const issues = validateQueues(qs, KNOWN);
        expect(issues.length, kind).toBeGreaterThan(0);
        expect(
          issues.some((x) => m.path(qs).test(x.path)),
          `${kind}: ${JSON.stringify(issues)}`,
        ).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
