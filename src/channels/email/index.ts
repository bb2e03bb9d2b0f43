import type { ChannelFactory } from '../types.js';

/** Email: IMAP in, SMTP out, per configured mailbox. */
export const emailChannel: ChannelFactory = () => ({ channel: 'email' });
