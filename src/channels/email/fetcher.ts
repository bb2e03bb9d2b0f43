// IMAP in: one fetcher per enabled mailbox (IDLE with a polling fallback,
// reconnect with backoff), and a manager that starts, restarts and stops them
// as mailboxes are added, changed or removed.
import { ImapFlow } from 'imapflow';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Logger } from '../../logger.js';
import type { SecretBox } from './crypto.js';
import { processRaw, quarantine, type InboundDeps } from './inbound.js';
import { advanceCheckpoint, getCheckpoint, loadMailbox, resetCheckpoint, type MailboxSettings } from './store.js';

/** The failure of one message must not block the mailbox: after a few tries with the database up, it goes to the quarantine. */
const MAX_ATTEMPTS = 3;

export interface FetcherOptions {
  /** Polling fallback: a sync runs at least this often even when IDLE says nothing (default 60 s). */
  pollIntervalMs: number;
  /** First reconnect delay after a failure; doubles up to maxBackoffMs. */
  reconnectMs: number;
  maxBackoffMs: number;
  /** IMAP connection timeouts. */
  connectTimeoutMs: number;
  socketTimeoutMs: number;
}

export interface FetcherDeps {
  db: Db;
  box: SecretBox;
  log: Logger;
  inbound: InboundDeps;
  options: FetcherOptions;
}

const sleep = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(t);
      resolve();
    };
  });

/**
 * Fetches one mailbox. A sync asks the server for UIDs above the checkpoint
 * and, one message at a time in UID order, ingests it and only then moves the
 * checkpoint, so a crash at any point re-fetches at most the message under way
 * (which ingest recognises). A changed UIDVALIDITY restarts from UID 1 and
 * relies on the Message-ID (or content hash) to skip what is already stored.
 */
export class MailboxFetcher {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private client: ImapFlow | undefined;
  private pending = false;
  private readonly wait: { wake?: () => void } = {};
  private readonly log: Logger;
  /** Failed attempts per UID while the database was reachable: a message that keeps failing is quarantined. */
  private readonly failures = new Map<number, number>();
  syncs = 0;

  constructor(
    private readonly d: FetcherDeps,
    readonly mailboxId: string,
  ) {
    this.log = d.log.child({ mailboxId });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New mail may be there (IDLE EXISTS, an admin's "fetch now"). */
  poke(): void {
    this.pending = true;
    this.wait.wake?.();
  }

  /** Stops after the message under way; resolves when the connection is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wait.wake?.();
    const c = this.client;
    await this.loop;
    c?.close();
  }

  private async run(): Promise<void> {
    let backoff = this.d.options.reconnectMs;
    while (!this.stopped) {
      let client: ImapFlow | undefined;
      try {
        const mailbox = await loadMailbox(this.d.db, this.d.box, this.mailboxId);
        if (!mailbox || !mailbox.enabled) return;
        client = new ImapFlow({
          host: mailbox.imap.host,
          port: mailbox.imap.port,
          secure: mailbox.imap.tls,
          auth: { user: mailbox.imap.user, pass: mailbox.imap.password },
          logger: false,
          connectionTimeout: this.d.options.connectTimeoutMs,
          greetingTimeout: this.d.options.connectTimeoutMs,
          socketTimeout: this.d.options.socketTimeoutMs,
          // Re-issue IDLE now and then: some servers and NATs drop silent sessions.
          maxIdleTime: Math.min(this.d.options.pollIntervalMs, 5 * 60_000),
          clientInfo: { name: 'Pasokh' },
        });
        this.client = client;
        const closed = { value: false };
        client.on('exists', () => this.poke());
        client.on('error', (err: Error) => this.log.debug({ err: err.message }, 'imap connection error'));
        client.on('close', () => {
          closed.value = true;
          this.wait.wake?.();
        });
        await client.connect();
        backoff = this.d.options.reconnectMs;
        while (!this.stopped && !closed.value) {
          this.pending = false;
          await this.sync(client, mailbox);
          if (this.stopped || closed.value) break;
          if (!this.pending) await sleep(this.d.options.pollIntervalMs, this.wait);
        }
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const detail = (err as { responseText?: string }).responseText;
        this.log.warn({ err: message, detail, retryInMs: backoff }, 'email fetch failed; will retry');
        await this.d.db
          .updateTable('email_mailboxes')
          .set({ last_error: `${message}${detail ? `: ${detail}` : ''}`.slice(0, 500) })
          .where('id', '=', this.mailboxId)
          .execute()
          .catch(() => undefined);
      } finally {
        client?.close();
        this.client = undefined;
      }
      if (this.stopped) break;
      await sleep(backoff, this.wait);
      backoff = Math.min(backoff * 2, this.d.options.maxBackoffMs);
    }
  }

  private async process(mailbox: MailboxSettings, raw: Buffer, uidValidity: number, uid: number): Promise<void> {
    try {
      await processRaw(this.d.inbound, mailbox, raw, { uidValidity, uid });
    } catch (err) {
      // Database or disk trouble is not the message's fault: retry later, without counting.
      const dbUp = await sql`select 1`.execute(this.d.db).then(
        () => true,
        () => false,
      );
      if (!dbUp) throw err;
      const attempts = (this.failures.get(uid) ?? 0) + 1;
      this.failures.set(uid, attempts);
      if (attempts < MAX_ATTEMPTS) throw err;
      const reason = `processing failed ${attempts} times: ${err instanceof Error ? err.message : String(err)}`;
      this.log.error({ err, uid }, 'email could not be processed: quarantined');
      await quarantine(this.d.inbound, mailbox, raw, reason, { uidValidity, uid });
    }
  }

  private async sync(client: ImapFlow, mailbox: MailboxSettings): Promise<void> {
    const folder = mailbox.imap.folder;
    const lock = await client.getMailboxLock(folder);
    try {
      const opened = client.mailbox;
      if (!opened) throw new Error(`folder ${folder} is not open`);
      const uidValidity = Number(opened.uidValidity);
      const cp = await getCheckpoint(this.d.db, mailbox.id);
      let after = 0;
      if (!cp || cp.uidValidity !== uidValidity || cp.folder !== folder) {
        if (cp) this.log.warn({ folder, was: cp.uidValidity, now: uidValidity, folderWas: cp.folder }, 'UIDVALIDITY or folder changed: resyncing, deduplicated by Message-ID');
        await resetCheckpoint(this.d.db, mailbox.id, folder, uidValidity);
      } else {
        after = cp.lastUid;
      }
      // "n:*" always matches the last message, even below n: filter again.
      const found = opened.exists > 0 ? ((await client.search({ uid: `${after + 1}:*` }, { uid: true })) || []) : [];
      const uids = found.filter((u) => u > after).sort((a, b) => a - b);
      for (const uid of uids) {
        if (this.stopped) break;
        const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (msg && msg.source) {
          // Not in ctx.inFlight: the hub's drain would wait for a busy mailbox to empty. stop() waits for this one message instead.
          await this.process(mailbox, msg.source, uidValidity, uid);
        } else {
          this.log.info({ uid }, 'message gone before it was fetched (expunged): skipped');
        }
        // Only after the message is stored (or quarantined) does the checkpoint move past it.
        await advanceCheckpoint(this.d.db, mailbox.id, uidValidity, uid);
      }
      this.syncs += 1;
      this.failures.clear();
      await this.d.db.updateTable('email_mailboxes').set({ last_sync_at: sql<Date>`now()`, last_error: null }).where('id', '=', mailbox.id).execute();
    } finally {
      lock.release();
    }
  }
}

/** Keeps one fetcher per enabled mailbox, following changes made through the API or by other hub processes. */
export class FetcherManager {
  private readonly fetchers = new Map<string, { fetcher: MailboxFetcher; updatedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly d: FetcherDeps,
    private readonly reconcileEveryMs: number,
  ) {}

  async start(): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile().catch((err: unknown) => this.d.log.warn({ err }, 'email mailbox reconcile failed')), this.reconcileEveryMs);
    this.timer.unref();
  }

  /** Starts, restarts (changed settings) and stops fetchers to match the mailboxes table. Serialised. */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.catch(() => undefined).then(() => this.reconcileNow());
    return this.reconciling;
  }

  get(id: string): MailboxFetcher | undefined {
    return this.fetchers.get(id)?.fetcher;
  }

  private async reconcileNow(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.d.db.selectFrom('email_mailboxes').select(['id', 'enabled', 'updated_at']).execute();
    const wanted = new Map(rows.filter((r) => r.enabled).map((r) => [r.id, r.updated_at.getTime()]));
    for (const [id, entry] of [...this.fetchers]) {
      if (wanted.get(id) !== entry.updatedAt) {
        this.fetchers.delete(id);
        await entry.fetcher.stop();
      }
    }
    for (const [id, updatedAt] of wanted) {
      if (this.stopped || this.fetchers.has(id)) continue;
      const fetcher = new MailboxFetcher(this.d, id);
      this.fetchers.set(id, { fetcher, updatedAt });
      fetcher.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.reconciling.catch(() => undefined);
    await Promise.all([...this.fetchers.values()].map((f) => f.fetcher.stop()));
    this.fetchers.clear();
  }
}
