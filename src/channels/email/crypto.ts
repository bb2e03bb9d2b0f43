// Mailbox passwords at rest: AES-256-GCM with a key derived (HKDF-SHA256) from
// the hub's secret, bound to the mailbox and field so a ciphertext cannot be
// moved to another row or column.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    if (!secretKey) throw new Error('a secret key is needed to store mailbox passwords');
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'pasokh:email:credentials', 'aes-256-gcm mailbox passwords v1', 32));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
  }

  /** Throws when the secret changed or the value was tampered with. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('stored credential has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('stored credential cannot be decrypted (was SECRET_KEY changed?): enter the password again');
    }
  }
}

export const credentialContext = (mailboxId: string, field: 'imap' | 'smtp') => `email-mailbox:${mailboxId}:${field}`;
