/**
 * Runs independent jobs (simulation replications) in child processes, a few at a time, so a
 * benchmark uses both cores. A job names an exported async-or-sync function of a module in this
 * repository and its JSON argument; the result must be JSON too.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface Job {
  /** Module URL (e.g. new URL('./erlang.ts', import.meta.url).href). */
  module: string;
  fn: string;
  arg: unknown;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export async function runJobs<T>(jobs: readonly Job[], concurrency = Math.max(1, Math.min(availableParallelism(), 4))): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  const tsx = import.meta.resolve('tsx');
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runOne<T>(jobs[i]!, tsx);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  return results;
}

function runOne<T>(job: Job, tsx: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(WORKER, [], { execArgv: ['--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    child.once('message', (m: { ok: true; value: T } | { ok: false; error: string }) => {
      done = true;
      if (m.ok) resolve(m.value);
      else reject(new Error(m.error));
      child.disconnect();
    });
    child.once('exit', (code) => {
      if (!done) reject(new Error(`job ${job.fn} exited with code ${String(code)}`));
    });
    child.send(job);
  });
}
