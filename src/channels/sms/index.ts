import type { ChannelFactory } from '../types.js';

/** SMS over Twilio: webhooks in, Messages API out. */
export const smsChannel: ChannelFactory = () => ({ channel: 'sms' });
