// Child side of runJobs: runs one job and sends its result back.
import type { Job } from './parallel.js';

process.once('message', (job: Job) => {
  void (async () => {
    try {
      const mod = (await import(job.module)) as Record<string, (arg: unknown) => unknown>;
      const fn = mod[job.fn];
      if (typeof fn !== 'function') throw new Error(`${job.module} has no export ${job.fn}`);
      const value = await fn(job.arg);
      process.send?.({ ok: true, value });
    } catch (err) {
      process.send?.({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  })();
});
