// npm run demo: a seeded demo center with simulated web-chat visitors, SMS customers, email
// (a throwaway Dovecot + SMTP server on loopback) and phone callers (the TwiML walker against
// the local Twilio fake), so a newcomer sees every channel arrive in the console within a minute.
import { io as connect } from 'socket.io-client';
import { loadConfig } from '../config.js';
import type { ChatClientToServer, ChatServerToClient } from '../contracts/index.js';
import { createHub } from '../hub.js';
import { createLogger } from '../logger.js';
import { createUser, type NewUser } from '../users.js';
import type { Socket } from 'socket.io-client';
import { TwilioFake } from '../../tests/helpers/twilio-fake.js';
import { HubApi } from '../devtools/admin-api.js';
import { DEMO_MAILBOX, startDemoEmail, type DemoEmail } from '../devtools/demo-email.js';
import { DEMO_CALLERS, startDemoVoice, type DemoVoice } from '../devtools/demo-voice.js';
import { inboundSmsParams, postSignedTwilioWebhook } from './simulate.js';

const DEMO_PASSWORD = 'pasokh-demo-123';

const people: NewUser[] = [
  { email: 'admin@demo.pasokh', password: DEMO_PASSWORD, name: 'Admin', role: 'admin', skills: [] },
  { email: 'supervisor@demo.pasokh', password: DEMO_PASSWORD, name: 'Mina (supervisor)', role: 'supervisor', skills: [] },
  { email: 'sara@demo.pasokh', password: DEMO_PASSWORD, name: 'Sara Ahmadi', role: 'agent', skills: [{ skill: 'fa', level: 9 }, { skill: 'en', level: 6 }, { skill: 'billing', level: 7 }] },
  { email: 'david@demo.pasokh', password: DEMO_PASSWORD, name: 'David Miller', role: 'agent', skills: [{ skill: 'en', level: 9 }, { skill: 'tech', level: 8 }] },
  { email: 'nima@demo.pasokh', password: DEMO_PASSWORD, name: 'Nima Karimi', role: 'agent', skills: [{ skill: 'fa', level: 8 }, { skill: 'tech', level: 5 }] },
];

// SMS customers writing to the demo's business number.
const texters = [
  { from: '+989121234567', body: 'سلام، کد تخفیف من کار نمی‌کند' },
  { from: '+14155550123', body: 'Is the store open on Sunday?' },
];
const BUSINESS_NUMBER = '+15005550006';

const visitors = [
  { name: 'Reza Tehrani', lines: ['سلام، سفارش ۱۲۳۴۵ من هنوز نرسیده', 'ممنون می‌شوم پیگیری کنید'] },
  { name: 'Emma Clark', lines: ['Hi, I was charged twice for my subscription.', 'Can you refund one of them?'] },
  { name: 'Leila Rahimi', lines: ['رمز عبورم را فراموش کرده‌ام', 'ایمیلم leila@example.com است'] },
  { name: 'John Park', lines: ['The app crashes when I upload a photo.', 'iPhone 15, latest version.'] },
];

async function main(): Promise<void> {
  // Twilio's REST API is a local recording fake here: the demo never calls the internet,
  // and agents' SMS replies show as sent on the timeline.
  const twilioFake = await new TwilioFake().start();
  const port0 = process.env['PORT'] ?? '3000';
  const config = loadConfig({
    ...process.env,
    ADMIN_EMAIL: process.env['ADMIN_EMAIL'] ?? people[0]!.email,
    ADMIN_PASSWORD: process.env['ADMIN_PASSWORD'] ?? DEMO_PASSWORD,
    TWILIO_ACCOUNT_SID: twilioFake.accountSid,
    TWILIO_AUTH_TOKEN: twilioFake.authToken,
    PUBLIC_URL: process.env['PUBLIC_URL'] ?? `http://localhost:${port0}`,
  });
  const log = createLogger(process.env['LOG_LEVEL'] ?? 'warn');
  const hub = await createHub(config, { log, channelOptions: { twilioHttpClient: twilioFake.httpClient() } });
  for (const p of people) {
    const exists = await hub.db.selectFrom('users').select('id').where('email', '=', p.email).executeTakeFirst();
    if (!exists) await createUser(hub.db, p, null);
  }
  const port = await hub.listen();
  const base = `http://localhost:${port}`;

  console.log(`\nPasokh demo center is running at ${base}\n`);
  console.log('Log in to the console with any of these (password for all: ' + DEMO_PASSWORD + '):');
  for (const p of people) console.log(`  ${p.role.padEnd(10)} ${p.email.padEnd(26)} ${p.name}`);
  console.log(`\nSet yourself "available" and a simulated visitor will write within seconds.`);
  console.log(`SMS customers text ${BUSINESS_NUMBER}, callers ring it (its IVR: 1 = sales queue, 2 = voicemail), and mail arrives at ${DEMO_MAILBOX}.`);
  console.log(`The chat widget as a customer sees it: ${base}/widget-demo.html\nCtrl+C stops the demo.\n`);

  // Email and voice are set up as an admin would, through the API.
  const api = await HubApi.login(base, config.admin?.email ?? people[0]!.email, config.admin?.password ?? DEMO_PASSWORD);
  let email: DemoEmail | null = null;
  try {
    const started = await startDemoEmail(api);
    if ('unavailable' in started) console.log(`  email: not simulated: ${started.unavailable}. The other channels carry on.`);
    else email = started;
  } catch (err) {
    console.log(`  email: not simulated: ${err instanceof Error ? err.message : String(err)}. The other channels carry on.`);
  }
  let voice: DemoVoice | null = null;
  try {
    voice = await startDemoVoice({ api, fake: twilioFake, hubUrl: base, publicUrl: config.publicUrl, businessNumber: BUSINESS_NUMBER, log: (line) => console.log(line) });
  } catch (err) {
    console.log(`  voice: not simulated: ${err instanceof Error ? err.message : String(err)}. The other channels carry on.`);
  }

  const sockets: Socket<ChatServerToClient, ChatClientToServer>[] = [];
  let n = 0;
  const visit = async () => {
    const v = visitors[n % visitors.length]!;
    n += 1;
    const socket: Socket<ChatServerToClient, ChatClientToServer> = connect(`${base}/chat`, { auth: { name: v.name }, transports: ['websocket'] });
    sockets.push(socket);
    socket.on('message', (m) => {
      if (m.from === 'agent') console.log(`  [${v.name}] got a reply: ${m.body}`);
    });
    for (const [i, line] of v.lines.entries()) {
      const ack = await socket.timeout(10_000).emitWithAck('message', { clientId: `demo-${n}-${i}`, body: line });
      if (!ack.ok) console.log(`  [${v.name}] message refused: ${ack.error.message}`);
    }
    console.log(`  visitor "${v.name}" started a chat`);
  };
  let t = 0;
  const text = async () => {
    const who = texters[t % texters.length]!;
    t += 1;
    const res = await postSignedTwilioWebhook({
      targetUrl: base,
      publicUrl: config.publicUrl,
      authToken: twilioFake.authToken,
      path: '/webhooks/twilio/sms',
      params: inboundSmsParams({ from: who.from, to: BUSINESS_NUMBER, body: who.body, accountSid: twilioFake.accountSid }),
    });
    console.log(`  SMS from ${who.from} ${res.status === 200 ? 'arrived' : `was refused (${res.status})`}`);
  };
  const first = setTimeout(() => void visit().catch((err: unknown) => console.error(err)), 3_000);
  const timer = setInterval(() => void visit().catch((err: unknown) => console.error(err)), 20_000);
  const smsTimer = setInterval(() => void text().catch((err: unknown) => console.error(err)), 30_000);
  const firstSms = setTimeout(() => void text().catch((err: unknown) => console.error(err)), 8_000);
  const mail = async () => {
    if (!email) return;
    for (const line of await email.deliverSamples()) console.log(`  email from ${line} delivered to ${DEMO_MAILBOX}`);
  };
  const firstMail = setTimeout(() => void mail().catch((err: unknown) => console.error(err)), 12_000);
  let c = 0;
  const ring = async () => {
    if (!voice) return;
    const caller = DEMO_CALLERS[c % DEMO_CALLERS.length]!;
    c += 1;
    console.log(`  ${caller.from} calls ${BUSINESS_NUMBER} and presses ${caller.digits.join(', ')}`);
    await voice.call(caller);
  };
  const firstCalls = [15_000, 25_000].map((ms) => setTimeout(() => void ring().catch((err: unknown) => console.error(err)), ms));
  const callTimer = setInterval(() => void ring().catch((err: unknown) => console.error(err)), 120_000);

  const stop = async () => {
    clearTimeout(first);
    clearInterval(timer);
    clearTimeout(firstSms);
    clearInterval(smsTimer);
    clearTimeout(firstMail);
    for (const t of firstCalls) clearTimeout(t);
    clearInterval(callTimer);
    for (const s of sockets) s.close();
    await voice?.stop();
    await hub.stop();
    await email?.stop();
    await twilioFake.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
