import type { WidgetLang } from './config.js';

const en = {
  launcherOpen: 'Chat with us',
  launcherClose: 'Close chat',
  title: 'Chat with us',
  close: 'Close',
  intro: 'Tell us who you are and an agent will be with you shortly.',
  name: 'Name',
  email: 'Email (optional)',
  start: 'Start chat',
  nameRequired: 'Please enter your name.',
  emailInvalid: 'That email address does not look right.',
  placeholder: 'Type a message…',
  send: 'Send',
  sending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  connecting: 'Connecting…',
  offline: 'Connection lost. Your messages will be sent when it is back.',
  empty: 'Send us a message and an agent will answer here.',
  you: 'You',
  agent: 'Agent',
  unread: 'new messages',
  agentTyping: 'Agent is typing…',
  rateTitle: 'How was your chat?',
  rateHint: '1 = poor, 5 = excellent',
  rateComment: 'Anything to add? (optional)',
  rateSend: 'Send rating',
  rateThanks: 'Thank you for your feedback!',
  rateFailed: 'Your rating was not sent, please try again.',
} as const;

export type WidgetStrings = Record<keyof typeof en, string>;

const fa: WidgetStrings = {
  launcherOpen: 'گفتگو با ما',
  launcherClose: 'بستن گفتگو',
  title: 'گفتگو با ما',
  close: 'بستن',
  intro: 'خودتان را معرفی کنید تا کارشناس ما به‌زودی پاسخ دهد.',
  name: 'نام',
  email: 'ایمیل (اختیاری)',
  start: 'شروع گفتگو',
  nameRequired: 'لطفاً نام خود را وارد کنید.',
  emailInvalid: 'نشانی ایمیل درست به نظر نمی‌رسد.',
  placeholder: 'پیام خود را بنویسید…',
  send: 'ارسال',
  sending: 'در حال ارسال…',
  failed: 'ارسال نشد',
  retry: 'تلاش دوباره',
  connecting: 'در حال اتصال…',
  offline: 'اتصال قطع شد. پیام‌هایتان پس از برقراری دوبارهٔ اتصال فرستاده می‌شوند.',
  empty: 'پیامتان را بفرستید؛ کارشناس ما همین‌جا پاسخ می‌دهد.',
  you: 'شما',
  agent: 'کارشناس',
  unread: 'پیام تازه',
  agentTyping: 'کارشناس در حال نوشتن است…',
  rateTitle: 'گفتگو چطور بود؟',
  rateHint: '۱ = ضعیف، ۵ = عالی',
  rateComment: 'نکته‌ای دارید؟ (اختیاری)',
  rateSend: 'ارسال امتیاز',
  rateThanks: 'از بازخورد شما سپاسگزاریم!',
  rateFailed: 'امتیاز شما فرستاده نشد، لطفاً دوباره تلاش کنید.',
};

export function widgetStrings(lang: WidgetLang): WidgetStrings {
  return lang === 'fa' ? fa : en;
}
