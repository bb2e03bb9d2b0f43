// String tables for the agent console. English is the reference table: its keys
// are the type every other language must fill completely.

export type Lang = 'en' | 'fa';

export const LANGS: readonly Lang[] = ['en', 'fa'];

const en = {
  'app.title': 'Pasokh agent console',
  'lang.label': 'Language',
  'lang.other': 'فارسی',

  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.dismiss': 'Dismiss',
  'common.networkError': 'Cannot reach the server. Check your connection.',
  'common.timeout': 'The server did not answer in time.',
  'common.unexpected': 'Unexpected server response (HTTP {status}).',

  'login.title': 'Sign in',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',

  'top.logout': 'Sign out',
  'top.presence': 'Status',
  'top.load': '{used} of {capacity} conversations',

  'presence.available': 'Available',
  'presence.away': 'Away',
  'presence.offline': 'Offline',
  'presence.failed': 'Could not change status: {message}',

  'conn.connecting': 'Connecting…',
  'conn.connected': 'Connected',
  'conn.disconnected': 'Connection lost, reconnecting…',

  'channel.webchat': 'Web chat',
  'channel.sms': 'SMS',
  'channel.email': 'Email',
  'channel.voice': 'Voice',

  'offer.title': 'Incoming conversation',
  'offer.channel': 'Channel',
  'offer.queue': 'Queue',
  'offer.customer': 'Customer',
  'offer.expiresIn': 'Expires in',
  'offer.seconds': 'seconds',
  'offer.accept': 'Accept',
  'offer.reject': 'Reject',
  'offer.more': '{count} more waiting',
  'offer.failed': 'Could not accept the conversation: {message}',

  'customer.unknown': 'Unknown customer',

  'list.title': 'My conversations',
  'list.empty': 'No open conversations.',
  'list.loadFailed': 'Could not load conversations: {message}',
  'list.unread': '{count} new',

  'view.none': 'Select a conversation on the side to read it.',
  'view.loadFailed': 'Could not load the conversation: {message}',
  'view.history': 'Earlier conversations ({count})',
  'view.historyFailed': 'Customer history is unavailable: {message}',
  'view.noMessages': 'No messages yet.',
  'view.closed': 'This conversation is closed.',
  'view.close': 'Close conversation',
  'view.closing': 'Closing…',
  'view.closeFailed': 'Could not close the conversation: {message}',
  'view.started': 'Started {date}',

  'conv.open': 'Open',
  'conv.closed': 'Closed',

  'status.received': 'Received',
  'status.queued': 'Queued',
  'status.sent': 'Sent',
  'status.delivered': 'Delivered',
  'status.failed': 'Failed',

  'from.customer': 'Customer',
  'from.agent': 'Agent',
  'from.system': 'System',

  'reply.label': 'Reply',
  'reply.placeholder': 'Type a reply. Enter sends, Shift+Enter starts a new line.',
  'reply.send': 'Send',
  'reply.sending': 'Sending…',
  'reply.failed': 'Not sent: {message}',
} as const;

export type StringKey = keyof typeof en;
export type StringTable = Record<StringKey, string>;

const fa: StringTable = {
  'app.title': 'کنسول کارشناس پاسخ',
  'lang.label': 'زبان',
  'lang.other': 'English',

  'common.loading': 'در حال بارگذاری…',
  'common.retry': 'تلاش دوباره',
  'common.dismiss': 'بستن',
  'common.networkError': 'ارتباط با سرور برقرار نشد. اتصال خود را بررسی کنید.',
  'common.timeout': 'سرور به‌موقع پاسخ نداد.',
  'common.unexpected': 'پاسخ نامنتظره از سرور (HTTP {status}).',

  'login.title': 'ورود',
  'login.email': 'ایمیل',
  'login.password': 'گذرواژه',
  'login.submit': 'ورود',
  'login.submitting': 'در حال ورود…',

  'top.logout': 'خروج',
  'top.presence': 'وضعیت',
  'top.load': '{used} از {capacity} گفتگو',

  'presence.available': 'در دسترس',
  'presence.away': 'غایب',
  'presence.offline': 'آفلاین',
  'presence.failed': 'تغییر وضعیت ممکن نشد: {message}',

  'conn.connecting': 'در حال اتصال…',
  'conn.connected': 'متصل',
  'conn.disconnected': 'اتصال قطع شد، در حال اتصال دوباره…',

  'channel.webchat': 'گفتگوی وب',
  'channel.sms': 'پیامک',
  'channel.email': 'ایمیل',
  'channel.voice': 'تماس تلفنی',

  'offer.title': 'گفتگوی ورودی',
  'offer.channel': 'کانال',
  'offer.queue': 'صف',
  'offer.customer': 'مشتری',
  'offer.expiresIn': 'زمان باقی‌مانده',
  'offer.seconds': 'ثانیه',
  'offer.accept': 'پذیرفتن',
  'offer.reject': 'رد کردن',
  'offer.more': '{count} مورد دیگر در انتظار',
  'offer.failed': 'پذیرش گفتگو ممکن نشد: {message}',

  'customer.unknown': 'مشتری ناشناس',

  'list.title': 'گفتگوهای من',
  'list.empty': 'گفتگوی بازی ندارید.',
  'list.loadFailed': 'بارگذاری گفتگوها ممکن نشد: {message}',
  'list.unread': '{count} پیام تازه',

  'view.none': 'برای خواندن، یک گفتگو را از فهرست کناری انتخاب کنید.',
  'view.loadFailed': 'بارگذاری گفتگو ممکن نشد: {message}',
  'view.history': 'گفتگوهای پیشین ({count})',
  'view.historyFailed': 'سابقهٔ مشتری در دسترس نیست: {message}',
  'view.noMessages': 'هنوز پیامی نیست.',
  'view.closed': 'این گفتگو بسته شده است.',
  'view.close': 'بستن گفتگو',
  'view.closing': 'در حال بستن…',
  'view.closeFailed': 'بستن گفتگو ممکن نشد: {message}',
  'view.started': 'آغاز: {date}',

  'conv.open': 'باز',
  'conv.closed': 'بسته',

  'status.received': 'دریافت‌شده',
  'status.queued': 'در صف ارسال',
  'status.sent': 'ارسال‌شده',
  'status.delivered': 'تحویل‌شده',
  'status.failed': 'ناموفق',

  'from.customer': 'مشتری',
  'from.agent': 'کارشناس',
  'from.system': 'سیستم',

  'reply.label': 'پاسخ',
  'reply.placeholder': 'پاسخ را بنویسید. Enter ارسال می‌کند و Shift+Enter خط تازه می‌سازد.',
  'reply.send': 'ارسال',
  'reply.sending': 'در حال ارسال…',
  'reply.failed': 'ارسال نشد: {message}',
};

export const STRINGS: Record<Lang, StringTable> = { en, fa };

/** Replaces `{name}` placeholders; unknown names are left as they are. */
export function interpolate(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
