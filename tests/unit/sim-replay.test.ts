import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayInputError, generateFor, parseArrivals, parseConfig, runReplay } from '../../src/routing/sim/replay.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SAMPLE_CONFIG = join(ROOT, 'bench/samples/config.json');
const SAMPLE_ARRIVALS = join(ROOT, 'bench/samples/arrivals.json');
const sampleConfig = () => JSON.parse(readFileSync(SAMPLE_CONFIG, 'utf8')) as { queues: Record<string, unknown>[]; agents: Record<string, unknown>[] };

function replay(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'src/cli/routing-replay.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, last: lines[lines.length - 1] ?? '' };
}

function tempJson(name: string, value: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasokh-replay-'));
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ReplayInputError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('routing:replay command', () => {
  it('replays the sample files: exit 0, a table, and the JSON summary as the last line', () => {
    const r = replay('--config', SAMPLE_CONFIG, '--arrivals', SAMPLE_ARRIVALS);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/queue\s+channel\s+arrivals/);
    const summary = JSON.parse(r.last) as Record<string, number>;
    for (const k of ['sl', 'asa_s', 'abandon_rate', 'occupancy']) {
      expect(typeof summary[k]).toBe('number');
    }
    expect(summary['sl']).toBeGreaterThan(0);
    expect(summary['sl']).toBeLessThanOrEqual(1);
    expect(summary['arrivals']).toBe((JSON.parse(readFileSync(SAMPLE_ARRIVALS, 'utf8')) as unknown[]).length);
    expect(summary['answered']! + summary['abandoned']! + summary['waiting_at_end']!).toBe(summary['arrivals']);
  });

  it('a bad configuration exits non-zero and names the field', () => {
    const cfg = sampleConfig();
    (cfg.queues[1]!['serviceLevel'] as Record<string, number>)['thresholdSeconds'] = -5;
    const r = replay('--config', tempJson('config.json', cfg), '--arrivals', SAMPLE_ARRIVALS);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('config.queues[1].serviceLevel.thresholdSeconds');
  });

  it('a wrongly typed field is named too (shape check)', () => {
    const cfg = sampleConfig();
    cfg.agents[2]!['skills'] = { fa: 'high' };
    const r = replay('--config', tempJson('config.json', cfg), '--arrivals', SAMPLE_ARRIVALS, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('config.agents[2].skills.fa');
  });

  it('generates arrivals from a rate', () => {
    const r = replay('--config', SAMPLE_CONFIG, '--generate', '{"rate": 90, "hours": 1, "seed": 3}', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect((JSON.parse(r.last) as { arrivals: number }).arrivals).toBeGreaterThan(40);
  });

  it('usage errors exit 2', () => {
    expect(replay('--config', SAMPLE_CONFIG).code).toBe(2);
  });
});

describe('replay input checks (in process)', () => {
  it('names skill-expression, escalation and overflow problems with their paths', () => {
    const cfg = sampleConfig();
    cfg.queues[0]!['requirement'] = { all: [] };
    cfg.queues[1]!['escalation'] = [{ afterSeconds: 10, overflowToQueueId: 'voice-fa' }];
    cfg.queues[0]!['escalation'] = [{ afterSeconds: 10, overflowToQueueId: 'voice-en' }];
    const issues = issuesOf(() => parseConfig(cfg));
    expect(issues.some((i) => i.startsWith('config.queues[0].requirement.all'))).toBe(true);
    expect(issues.some((i) => /config\.queues\[\d\]\.escalation\[0\]\.overflowToQueueId: overflow cycle/.test(i))).toBe(true);
  });

  it('names duplicate agents, unknown queues in arrivals and channel mismatches', () => {
    const cfg = sampleConfig();
    cfg.agents.push({ id: 'sara', skills: {} });
    expect(issuesOf(() => parseConfig(cfg))).toEqual(['config.agents[10].id: duplicate agent id "sara" (also agents[0])']);
    const ok = parseConfig(sampleConfig());
    const issues = issuesOf(() =>
      parseArrivals(
        [
          { at: 0, queueId: 'voice-fa', channel: 'voice', handleSeconds: 10 },
          { at: 1, queueId: 'nope', channel: 'voice', handleSeconds: 10 },
          { at: 2, queueId: 'email', channel: 'voice', handleSeconds: 10 },
          { at: -1, queueId: 'email', channel: 'email', handleSeconds: 10 },
        ],
        ok,
      ),
    );
    expect(issues[0]).toMatch(/^arrivals\[3\]\.at/);
    const issues2 = issuesOf(() =>
      parseArrivals(
        [
          { at: 1, queueId: 'nope', channel: 'voice', handleSeconds: 10 },
          { at: 2, queueId: 'email', channel: 'voice', handleSeconds: 10 },
        ],
        ok,
      ),
    );
    expect(issues2).toEqual(['arrivals[0].queueId: unknown queue "nope"', 'arrivals[1].channel: queue "email" is a email queue, not voice']);
  });

  it('reads ISO timestamps relative to midnight UTC, so "HH:MM" shifts line up', () => {
    const cfg = parseConfig(sampleConfig());
    const a = parseArrivals([{ at: '2024-03-01T08:30:00Z', queueId: 'email', channel: 'email', handleSeconds: 60 }], cfg);
    expect(a[0]?.at).toBe(8.5 * 3600);
  });

  it('is deterministic: the same files give the same result', () => {
    const cfg = parseConfig(sampleConfig());
    const arrivals = generateFor({ rate: 100, hours: 1, seed: 9 }, cfg);
    expect(runReplay(cfg, arrivals)).toEqual(runReplay(cfg, arrivals));
  });
});
