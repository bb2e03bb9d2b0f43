import { useI18n } from '../../i18n/context.js';

/** Bytes as B / KB / MB, in the console's language and digits. */
export function FileSize({ bytes }: { bytes: number }) {
  const { t, number } = useI18n();
  if (bytes < 1024) return <>{t('ch.size.bytes', { n: number(bytes) })}</>;
  if (bytes < 1024 * 1024) return <>{t('ch.size.kb', { n: number(Math.round((bytes / 1024) * 10) / 10) })}</>;
  return <>{t('ch.size.mb', { n: number(Math.round((bytes / 1024 / 1024) * 10) / 10) })}</>;
}
