/** A pool process: runs the jobs it is sent, one at a time, and sends each result back. */
import { runJob, type Job } from './jobs.js';

process.on('message', (message: { id: number; job: Job }) => {
  try {
    process.send!({ id: message.id, result: runJob(message.job) });
  } catch (error) {
    process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
