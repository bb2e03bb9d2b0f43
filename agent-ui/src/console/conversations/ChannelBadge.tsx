import type { Channel } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';

export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${channel}`} data-channel={channel}>
      {t(`channel.${channel}`)}
    </span>
  );
}
