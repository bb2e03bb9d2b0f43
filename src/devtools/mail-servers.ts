// Real mail servers on loopback, for tests and `npm run demo`:
//
// - Dovecot (Debian's dovecot-imapd) with a throwaway config, user and maildir
//   in a temp folder, listening on a free port of 127.0.0.1.
// - An SMTP server (the smtp-server package) that records every message it
//   accepts, with optional AUTH and scriptable rejections.
//
// Nothing here touches the machine's own dovecot configuration or services.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export const DOVECOT_BIN = '/usr/sbin/dovecot';

/** Line ends as on the wire (CRLF), byte for byte otherwise: fixtures in other charsets stay intact. */
export function toCrlf(raw: string | Buffer): Buffer {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const out: number[] = [];
  for (let i = 0; i < buf.length; i += 1) {
    const b = buf[i]!;
    if (b === 0x0a && (i === 0 || buf[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(b);
  }
  return Buffer.from(out);
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean, why: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`dovecot exited before listening: ${why()}`);
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port} within ${timeoutMs} ms: ${why()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

function accountOf(name: string): Account | null {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) return null;
  return { name, uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function currentAccount(): Account {
  const name = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
  return { name, uid: process.getuid!(), gid: process.getgid!() };
}

export interface DovecotOptions {
  user?: string;
  password?: string;
}

/**
 * One Dovecot IMAP server for a test file. Mail is kept in a maildir under
 * the temp folder; deliver with `append` (IMAP APPEND) or `deliverFile`
 * (a file written into new/, as an MTA's local delivery would).
 */
export class Dovecot {
  readonly dir: string;
  readonly user: string;
  readonly password: string;
  port = 0;
  private child: ChildProcess | undefined;
  private stderr = '';
  private readonly mailAccount: Account;
  private readonly loginAccount: Account;

  constructor(o: DovecotOptions = {}) {
    this.dir = path.join(tmpdir(), `pasokh-dovecot-${randomBytes(4).toString('hex')}`);
    this.user = o.user ?? `support-${randomBytes(3).toString('hex')}`;
    this.password = o.password ?? `pw-${randomBytes(8).toString('hex')}`;
    // As root, Dovecot refuses to give mail processes uid 0: use the accounts the Debian package made.
    if (process.getuid?.() === 0) {
      const dovecot = accountOf('dovecot');
      if (!dovecot) throw new Error('running as root but the "dovecot" account is missing: apt-get install dovecot-imapd');
      this.mailAccount = dovecot;
      this.loginAccount = accountOf('dovenull') ?? dovecot;
    } else {
      this.mailAccount = currentAccount();
      this.loginAccount = this.mailAccount;
    }
  }

  static available(): boolean {
    return existsSync(DOVECOT_BIN);
  }

  get maildir(): string {
    return path.join(this.dir, 'mail', this.user);
  }

  get confPath(): string {
    return path.join(this.dir, 'dovecot.conf');
  }

  get logPath(): string {
    return path.join(this.dir, 'dovecot.log');
  }

  /** The settings a mailbox needs to reach this server. */
  get imap() {
    return { host: '127.0.0.1', port: this.port, tls: false, user: this.user, password: this.password };
  }

  async start(): Promise<void> {
    if (!Dovecot.available()) throw new Error(`${DOVECOT_BIN} is missing: apt-get install -y --no-install-recommends dovecot-imapd`);
    if (!this.port) this.port = await freePort();
    for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(path.join(this.dir, sub), { recursive: true });
    const a = this.mailAccount;
    writeFileSync(path.join(this.dir, 'passwd'), `${this.user}:{PLAIN}${this.password}:${a.uid}:${a.gid}::${path.join(this.dir, 'home', this.user)}\n`);
    writeFileSync(
      this.confPath,
      [
        `base_dir = ${path.join(this.dir, 'run')}`,
        `state_dir = ${path.join(this.dir, 'state')}`,
        `log_path = ${this.logPath}`,
        `info_log_path = ${this.logPath}`,
        `instance_name = pasokh-test-${path.basename(this.dir)}`,
        'protocols = imap',
        'listen = 127.0.0.1',
        'ssl = no',
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain login',
        `default_internal_user = ${this.mailAccount.name}`,
        `default_internal_group = ${this.mailAccount.name}`,
        `default_login_user = ${this.loginAccount.name}`,
        `first_valid_uid = ${a.uid}`,
        `last_valid_uid = ${a.uid}`,
        `first_valid_gid = ${a.gid}`,
        `mail_location = maildir:${path.join(this.dir, 'mail', '%u')}`,
        'mail_privileged_group =',
        'shutdown_clients = yes',
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${path.join(this.dir, 'passwd')}`,
        '}',
        'userdb {',
        '  driver = passwd-file',
        `  args = username_format=%u ${path.join(this.dir, 'passwd')}`,
        '}',
        'service imap-login {',
        '  inet_listener imap {',
        '    address = 127.0.0.1',
        `    port = ${this.port}`,
        '  }',
        '  inet_listener imaps {',
        '    port = 0',
        '  }',
        '}',
        'service stats {',
        '  inet_listener http {',
        '    port = 0',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    this.chownTree();
    this.stderr = '';
    const child = spawn(DOVECOT_BIN, ['-F', '-c', this.confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child = child;
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitForPort(this.port, 15_000, () => !exited, () => `${this.stderr}\n${this.log()}`);
  }

  /** Stops the server (mail stays on disk). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the server and removes the temp folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** A logged-in IMAP client of the test user (close it after use). */
  async client(): Promise<ImapFlow> {
    const c = new ImapFlow({ host: '127.0.0.1', port: this.port, secure: false, auth: { user: this.user, pass: this.password }, logger: false });
    await c.connect();
    return c;
  }

  /** IMAP APPEND into INBOX; resolves with the new UID. */
  async append(raw: string | Buffer, folder = 'INBOX'): Promise<number | undefined> {
    const c = await this.client();
    try {
      const r = await c.append(folder, toCrlf(raw));
      return r ? r.uid : undefined;
    } finally {
      await c.logout().catch(() => undefined);
    }
  }

  /** Writes a message straight into the maildir's new/ (as local delivery does); Dovecot picks it up. */
  deliverFile(raw: string | Buffer): string {
    const newDir = path.join(this.maildir, 'new');
    for (const sub of ['new', 'cur', 'tmp']) mkdirSync(path.join(this.maildir, sub), { recursive: true });
    const name = `${Date.now()}.P${process.pid}Q${randomBytes(4).toString('hex')}.pasokh-test`;
    const tmp = path.join(this.maildir, 'tmp', name);
    writeFileSync(tmp, toCrlf(raw));
    const target = path.join(newDir, name);
    spawnSync('mv', [tmp, target]);
    this.chownTree();
    return target;
  }

  /** UIDVALIDITY and UIDs as the server reports them now. */
  async status(folder = 'INBOX'): Promise<{ uidValidity: number; uids: number[] }> {
    const c = await this.client();
    try {
      const lock = await c.getMailboxLock(folder);
      try {
        const uidValidity = Number((c.mailbox as { uidValidity: bigint }).uidValidity);
        const uids = ((await c.search({ all: true }, { uid: true })) || []) as number[];
        return { uidValidity, uids };
      } finally {
        lock.release();
      }
    } finally {
      await c.logout().catch(() => undefined);
    }
  }

  /**
   * Makes the server renumber the mailbox: stops Dovecot, removes its UID list
   * and indexes (as a restored backup or a server migration does) and starts
   * it again, so INBOX comes back with a new UIDVALIDITY and new UIDs.
   */
  async resetUidValidity(): Promise<void> {
    await this.stop();
    // UIDVALIDITY is taken from the clock in seconds: make sure it moves.
    await new Promise((r) => setTimeout(r, 1_100));
    const remove = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const f of readdirSync(dir)) if (f.startsWith('dovecot')) rmSync(path.join(dir, f), { recursive: true, force: true });
    };
    remove(this.maildir);
    remove(path.join(this.dir, 'home', this.user));
    await this.start();
    // A listening port is not yet a served mailbox: Dovecot rebuilds its index files on first use,
    // and a command racing that (ours, or the hub's reconnecting client) can be answered NO. Done
    // when a STATUS of INBOX succeeds; the last error is thrown if it never does.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await this.status();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private chownTree(): void {
    if (process.getuid?.() !== 0) return;
    const { uid, gid } = this.mailAccount;
    const walk = (p: string) => {
      chownSync(p, uid, gid);
      const entries = readdirSync(p, { withFileTypes: true });
      for (const e of entries) {
        const full = path.join(p, e.name);
        if (e.isDirectory()) walk(full);
        else chownSync(full, uid, gid);
      }
    };
    for (const sub of ['mail', 'home']) if (existsSync(path.join(this.dir, sub))) walk(path.join(this.dir, sub));
    chownSync(this.dir, 0, 0);
  }
}

/** What the SMTP server did with one submission. */
export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: Buffer;
  user: string | null;
  at: Date;
}

export interface SmtpRejection {
  code: number;
  message: string;
}

export interface RecordingSmtpOptions {
  /** When set, AUTH is required with exactly these credentials. */
  auth?: { user: string; password: string };
}

/**
 * A real SMTP server on loopback that records what it accepts. Tests script
 * rejections with `rejectWith` (every recipient, or DATA) or `script`
 * (per message, decides after seeing the envelope).
 */
export class RecordingSmtp {
  readonly received: ReceivedMail[] = [];
  port = 0;
  /** Called for each RCPT TO; return a rejection to refuse it. */
  onRcpt: (to: string, session: SMTPServerSession) => SmtpRejection | null = () => null;
  /** Called once the message is in; return a rejection to refuse it (after DATA). */
  onData: (raw: Buffer, session: SMTPServerSession) => SmtpRejection | null = () => null;
  /** Milliseconds to wait before answering DATA (to make the client time out). */
  dataDelayMs = 0;
  authFailures = 0;
  private server: SMTPServer;

  constructor(readonly o: RecordingSmtpOptions = {}) {
    const rejection = (r: SmtpRejection) => Object.assign(new Error(r.message), { responseCode: r.code });
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: o.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !o.auth,
      allowInsecureAuth: true,
      logger: false,
      size: 30 * 1024 * 1024,
      onAuth: (auth, _session, cb) => {
        if (o.auth && auth.username === o.auth.user && auth.password === o.auth.password) return cb(null, { user: auth.username });
        this.authFailures += 1;
        return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (address: SMTPServerAddress, session, cb) => {
        const r = this.onRcpt(address.address, session);
        return r ? cb(rejection(r)) : cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const finish = () => {
            const r = this.onData(raw, session);
            if (r) return cb(rejection(r));
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((t) => t.address),
              raw,
              user: typeof session.user === 'string' ? session.user : null,
              at: new Date(),
            });
            cb();
          };
          if (this.dataDelayMs > 0) setTimeout(finish, this.dataDelayMs);
          else finish();
        });
      },
    });
    this.server.on('error', () => undefined);
  }

  get smtp() {
    return { host: '127.0.0.1', port: this.port, tls: false, user: this.o.auth?.user ?? null, password: this.o.auth?.password ?? null };
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.received.length = 0;
    this.onRcpt = () => null;
    this.onData = () => null;
    this.dataDelayMs = 0;
  }
}
