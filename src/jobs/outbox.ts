import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { PermanentSendError, type ChannelAdapter } from '../channels/types.js';
import type { Channel } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';

interface OutboxJob {
  outboxId: string;
}

export interface OutboxOptions {
  db: Db;
  /** Builds a fresh connection; BullMQ workers need one of their own. */
  connection: () => Redis;
  prefix: string;
  log: Logger;
  events: HubEvents;
  adapters: ReadonlyMap<Channel, ChannelAdapter>;
  attempts?: number;
  backoffMs?: number;
  /** Pending rows older than this with no job are enqueued again by the sweeper. */
  sweepAfterMs?: number;
  sweepEveryMs?: number;
}

/**
 * The outbox: every reply is a `pending` row first; a BullMQ job named after
 * the row sends it. The job id is the row id, so enqueueing twice is harmless,
 * and the row moves pending → sending → sent|failed under a conditional update,
 * so a message is never sent twice. A sweeper re-enqueues rows whose job was
 * lost (Redis down when the reply was stored).
 */
export class Outbox {
  readonly queue: Queue<OutboxJob>;
  private worker: Worker<OutboxJob> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly queueConnection: Redis;

  constructor(private readonly o: OutboxOptions) {
    this.queueConnection = o.connection();
    this.queue = new Queue<OutboxJob>('outbox', { connection: this.queueConnection, prefix: o.prefix });
    // A Redis outage must not crash the process; the sweeper catches up afterwards.
    this.queue.on('error', (err) => o.log.warn({ err }, 'outbox queue error'));
  }

  async enqueue(outboxId: string): Promise<void> {
    try {
      await this.queue.add('send', { outboxId }, {
        jobId: outboxId,
        attempts: this.o.attempts ?? 5,
        backoff: { type: 'exponential', delay: this.o.backoffMs ?? 1000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      });
    } catch (err) {
      this.o.log.warn({ err, outboxId }, 'outbox enqueue failed; the sweeper will retry');
    }
  }

  startWorker(concurrency = 8): void {
    this.worker = new Worker<OutboxJob>('outbox', (job) => this.process(job), {
      connection: this.o.connection(),
      prefix: this.o.prefix,
      concurrency,
    });
    this.worker.on('error', (err) => this.o.log.warn({ err }, 'outbox worker error'));
    this.worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.fail(job.data.outboxId, err.message);
    });
    this.sweeper = setInterval(() => void this.sweep().catch((err: unknown) => this.o.log.warn({ err }, 'outbox sweep failed')), this.o.sweepEveryMs ?? 10_000);
    this.sweeper.unref();
  }

  /** Finishes the jobs under way, then closes. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.worker?.close();
    await this.queue.close();
    this.queueConnection.disconnect();
  }

  async sweep(): Promise<number> {
    const stale = await this.o.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('updated_at', '<', sql<Date>`now() - ${`${this.o.sweepAfterMs ?? 15_000} milliseconds`}::interval`)
      .orderBy('created_at')
      .limit(500)
      .execute();
    for (const row of stale) await this.enqueue(row.id);
    return stale.length;
  }

  private async process(job: Job<OutboxJob>): Promise<void> {
    const { outboxId } = job.data;
    const claimed = await this.o.db
      .updateTable('outbox')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', outboxId)
      .where('status', '=', 'pending')
      .returning(['message_id', 'channel'])
      .executeTakeFirst();
    if (!claimed) return; // already sent, failed, or being sent by another worker
    const msg = await this.o.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.id', 'messages.conversation_id', 'messages.seq', 'messages.body', 'messages.created_at', 'conversations.customer_id'])
      .where('messages.id', '=', claimed.message_id)
      .executeTakeFirstOrThrow();
    const adapter = this.o.adapters.get(claimed.channel);
    try {
      if (!adapter) throw new PermanentSendError(`no adapter for channel ${claimed.channel}`);
      const result = await adapter.send({
        outboxId,
        messageId: msg.id,
        conversationId: msg.conversation_id,
        customerId: msg.customer_id,
        channel: claimed.channel,
        seq: msg.seq,
        body: msg.body,
        at: msg.created_at,
      });
      await this.o.db.transaction().execute(async (tx) => {
        await tx.updateTable('outbox').set({ status: 'sent', last_error: null, updated_at: sql<Date>`now()` }).where('id', '=', outboxId).execute();
        await tx
          .updateTable('messages')
          .set({ status: result.status, ...(result.externalId ? { external_id: result.externalId } : {}) })
          .where('id', '=', msg.id)
          .execute();
      });
      this.o.events.emit('message.status', { messageId: msg.id, conversationId: msg.conversation_id });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentSendError) {
        await this.fail(outboxId, reason);
        return; // not retried
      }
      // Give the row back so the retry (or the sweeper) can claim it again.
      await this.o.db.updateTable('outbox').set({ status: 'pending', last_error: reason, updated_at: sql<Date>`now()` }).where('id', '=', outboxId).execute();
      throw err;
    }
  }

  private async fail(outboxId: string, reason: string): Promise<void> {
    const row = await this.o.db
      .updateTable('outbox')
      .set({ status: 'failed', last_error: reason, updated_at: sql<Date>`now()` })
      .where('id', '=', outboxId)
      .where('status', 'in', ['pending', 'sending'])
      .returning('message_id')
      .executeTakeFirst();
    if (!row) return;
    const msg = await this.o.db
      .updateTable('messages')
      .set({ status: 'failed', status_reason: reason })
      .where('id', '=', row.message_id)
      .returning(['id', 'conversation_id'])
      .executeTakeFirstOrThrow();
    this.o.log.warn({ outboxId, messageId: msg.id }, 'outbound message failed');
    this.o.events.emit('message.status', { messageId: msg.id, conversationId: msg.conversation_id });
  }
}
