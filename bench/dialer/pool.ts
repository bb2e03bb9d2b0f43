/**
 * Runs jobs on child processes (one per core), or in this process when asked for one worker.
 * Children are forked with this process's Node flags, so they load TypeScript the same way.
 * Each seed has a home child (its contact list is then built once there); an idle child takes
 * another's work only when its own queue is empty.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runJob, type Job } from './jobs.js';
import type { RunResult } from './sim.js';

interface Pending {
  job: Job;
  resolve: (r: RunResult) => void;
  reject: (e: Error) => void;
}

export class Pool {
  private readonly idle: ChildProcess[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly queues: { id: number; pending: Pending }[][] = [];
  private readonly inFlight = new Map<number, { child: ChildProcess; pending: Pending }>();
  private nextId = 0;

  constructor(workers: number) {
    if (workers <= 1) return;
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const path = fileURLToPath(new URL(`./worker${ext}`, import.meta.url));
    for (let i = 0; i < workers; i++) {
      const child = fork(path, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: { id: number; result?: RunResult; error?: string }) => {
        const entry = this.inFlight.get(m.id);
        if (!entry) return;
        this.inFlight.delete(m.id);
        if (m.error !== undefined) entry.pending.reject(new Error(m.error));
        else entry.pending.resolve(m.result!);
        this.idle.push(child);
        this.pump();
      });
      child.on('exit', (code) => {
        for (const [id, entry] of this.inFlight) {
          if (entry.child !== child) continue;
          this.inFlight.delete(id);
          entry.pending.reject(new Error(`bench worker exited with code ${code}`));
        }
      });
      this.children.push(child);
      this.queues.push([]);
      this.idle.push(child);
    }
  }

  run(job: Job): Promise<RunResult> {
    if (this.children.length === 0) {
      // In-process: still asynchronous, so callers can interleave their searches.
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(runJob(job));
          } catch (e) {
            reject(e as Error);
          }
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queues[job.seed % this.children.length]!.push({ id: this.nextId++, pending: { job, resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    for (let i = 0; i < this.idle.length; ) {
      const child = this.idle[i]!;
      const home = this.queues[this.children.indexOf(child)]!;
      const queue = home.length > 0 ? home : this.queues.reduce((a, b) => (b.length > a.length ? b : a));
      const next = queue.shift();
      if (!next) {
        i++;
        continue;
      }
      this.idle.splice(i, 1);
      this.inFlight.set(next.id, { child, pending: next.pending });
      child.send({ id: next.id, job: next.pending.job });
    }
  }

  close(): void {
    for (const child of this.children) child.kill();
  }
}
