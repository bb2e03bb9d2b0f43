// The demo's email channel: a throwaway Dovecot (IMAP) and a recording SMTP
// server on loopback, a mailbox configured through the admin API, and sample
// customer mails appended to the inbox for the hub to fetch.
import type { HubApi } from './admin-api.js';
import { Dovecot, RecordingSmtp } from './mail-servers.js';
import { sampleMails } from './sample-mail.js';

export const DEMO_MAILBOX = 'support@demo.pasokh';

export interface DemoEmail {
  /** Appends the sample mails (new Message-IDs each time) to the inbox. */
  deliverSamples(): Promise<string[]>;
  /** Appends one raw message to the inbox. */
  deliver(raw: Buffer): Promise<void>;
  /** Messages agents' replies left through the SMTP server. */
  sent(): number;
  stop(): Promise<void>;
}

interface MailboxRow {
  id: string;
  address: string;
}

/**
 * Starts the mail servers and points the demo mailbox at them. Returns null
 * (with the reason) when Dovecot is not installed: the demo runs without email.
 */
export async function startDemoEmail(api: HubApi): Promise<DemoEmail | { unavailable: string }> {
  if (!Dovecot.available()) return { unavailable: 'Dovecot is not installed (apt-get install -y --no-install-recommends dovecot-imapd)' };
  const dovecot = new Dovecot({ user: 'support', password: `demo-${process.pid}` });
  const smtp = new RecordingSmtp();
  await dovecot.start();
  await smtp.start();
  try {
    // The demo database outlives a run; the servers' ports do not: update the mailbox if it is there.
    const { mailboxes } = await api.json<{ mailboxes: MailboxRow[] }>('GET', '/api/email/mailboxes');
    const existing = mailboxes.find((m) => m.address === DEMO_MAILBOX);
    const settings = { imap: { ...dovecot.imap, folder: 'INBOX' }, smtp: smtp.smtp, enabled: true };
    if (existing) await api.json('PATCH', `/api/email/mailboxes/${existing.id}`, settings);
    else await api.json('POST', '/api/email/mailboxes', { address: DEMO_MAILBOX, displayName: 'Pasokh Demo Support', ...settings });
  } catch (err) {
    await dovecot.destroy();
    await smtp.stop();
    throw err;
  }
  return {
    async deliverSamples() {
      const mails = await sampleMails(DEMO_MAILBOX);
      for (const m of mails) await dovecot.append(m.raw);
      return mails.map((m) => `${m.from} — ${m.subject}`);
    },
    async deliver(raw) {
      await dovecot.append(raw);
    },
    sent: () => smtp.received.length,
    async stop() {
      await smtp.stop().catch(() => undefined);
      await dovecot.destroy().catch(() => undefined);
    },
  };
}
