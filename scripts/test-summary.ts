// Prints one closing line for a Vitest JSON report: "tests: N passed, N failed[, N skipped]".
// Usage: tsx scripts/test-summary.ts [report.json]   (default test-results/vitest.json)
// Exit code 1 when anything failed or the report cannot be read.
// A report with success=false but no failed test (global setup threw, no test files) counts as one failure.
// If TEST_EXIT_CODE is set to a non-zero value (the test runner's own exit code) but the report records
// no failure (an unhandled error, no test files, a crash after the report), that counts as one failure,
// so the closing line never says "0 failed" for a run that failed.
import { readFileSync } from 'node:fs';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

const SKIPPED_STATUSES = new Set(['skipped', 'pending', 'todo', 'disabled']);

function summarize(report: unknown): Counts {
  if (!isObject(report) || !Array.isArray(report['testResults'])) {
    throw new Error('not a Vitest JSON report (no testResults array)');
  }
  const files = report['testResults'].filter(isObject);

  const passed = num(report['numPassedTests']);
  let failed = num(report['numFailedTests']);

  // Skipped, todo and pending tests, counted once each from the per-test statuses.
  // (The top-level numPendingTests and numTodoTests can overlap, so they are only a fallback.)
  let skipped = 0;
  let sawAssertions = false;
  for (const file of files) {
    const assertions = Array.isArray(file['assertionResults']) ? file['assertionResults'].filter(isObject) : [];
    if (assertions.length > 0) sawAssertions = true;
    for (const a of assertions) {
      if (typeof a['status'] === 'string' && SKIPPED_STATUSES.has(a['status'])) skipped += 1;
    }
    // A file that failed without any failed test (it did not load, or a beforeAll/afterAll hook threw)
    // is one failure: its tests never ran, or ran without being marked failed.
    const hasFailedTest = assertions.some((a) => a['status'] === 'failed');
    if (file['status'] === 'failed' && !hasFailedTest) failed += 1;
  }
  if (!sawAssertions) skipped = num(report['numPendingTests']) + num(report['numTodoTests']);

  // Vitest sets success=false when the run failed outside any test file too (global setup threw,
  // no test file matched): never report such a run as "0 failed".
  if (report['success'] === false && failed === 0) failed = 1;

  return { passed, failed, skipped };
}

function main(): number {
  const file = process.argv[2] ?? 'test-results/vitest.json';
  let counts: Counts;
  try {
    counts = summarize(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  } catch (err) {
    process.stderr.write(`test-summary: cannot read ${file}: ${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ')}\n`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }

  const runnerExit = Number(process.env['TEST_EXIT_CODE'] ?? '0');
  if (counts.failed === 0 && Number.isFinite(runnerExit) && runnerExit !== 0) {
    process.stderr.write(`test-summary: the test run exited ${runnerExit} with no failed test in the report; counting 1 failure\n`);
    counts.failed = 1;
  }

  let line = `tests: ${counts.passed} passed, ${counts.failed} failed`;
  if (counts.skipped > 0) line += `, ${counts.skipped} skipped`;
  process.stdout.write(line + '\n');
  return counts.failed > 0 ? 1 : 0;
}

process.exitCode = main();
