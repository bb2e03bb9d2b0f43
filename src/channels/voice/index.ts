import type { ChannelFactory } from '../types.js';

/** Voice over Twilio: IVR, queue, callback and the agent's call leg. */
export const voiceChannel: ChannelFactory = () => ({ channel: 'voice' });
