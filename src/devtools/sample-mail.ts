// Sample customer mails for the demo: plain English, Persian (RTL, HTML with a
// quoted earlier message) and one with an attachment. Built with nodemailer's
// stream transport, so they are real MIME messages the hub parses like any mail.
import { randomBytes } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';

export interface SampleMail {
  from: string;
  subject: string;
  raw: Buffer;
}

// A tiny valid PDF (one empty page), so the attachment opens in a viewer.
const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

async function compose(o: SendMailOptions & { from: string; subject: string }, domain: string): Promise<SampleMail> {
  const info = await composer.sendMail({ ...o, messageId: `<demo-${randomBytes(6).toString('hex')}@${domain}>`, date: new Date() });
  return { from: o.from, subject: o.subject, raw: info.message as Buffer };
}

/** The mails the demo delivers, addressed to `to` (the demo mailbox). New Message-IDs each call. */
export async function sampleMails(to: string): Promise<SampleMail[]> {
  return Promise.all([
    compose(
      {
        from: '"Olivia Brown" <olivia.brown@example.com>',
        to,
        subject: 'Invoice #4471 shows the wrong address',
        text: 'Hello,\n\nmy latest invoice (#4471) still shows my old address in Leeds. I moved in March.\nCould you correct it and send a new copy?\n\nThanks,\nOlivia',
      },
      'example.com',
    ),
    compose(
      {
        from: '"مریم حسینی" <maryam.hosseini@example.ir>',
        to,
        subject: 'پیگیری سفارش ۹۸۲۱',
        text: 'سلام،\nسفارش ۹۸۲۱ من هنوز ارسال نشده است. لطفاً وضعیت آن را اعلام کنید.\n\nبا سپاس،\nمریم\n\nOn Mon, 3 Nov 2025 at 10:02, Support <support@demo.pasokh> wrote:\n> سفارش شما ثبت شد و ظرف سه روز کاری ارسال می‌شود.',
        html: '<div dir="rtl"><p>سلام،</p><p>سفارش <b>۹۸۲۱</b> من هنوز ارسال نشده است. لطفاً وضعیت آن را اعلام کنید.</p><p>با سپاس،<br>مریم</p></div><div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Nov 2025 at 10:02, Support &lt;support@demo.pasokh&gt; wrote:</div><blockquote class="gmail_quote"><div dir="rtl">سفارش شما ثبت شد و ظرف سه روز کاری ارسال می‌شود.</div></blockquote></div>',
      },
      'example.ir',
    ),
    compose(
      {
        from: '"Tom Becker" <tom.becker@example.org>',
        to,
        cc: '"Anna Becker" <anna.becker@example.org>',
        subject: 'Warranty claim for my order',
        text: 'Hi,\n\nthe kettle I bought stopped working after two weeks. The receipt is attached.\n\nBest regards,\nTom',
        attachments: [{ filename: 'receipt-2025-11.pdf', content: SAMPLE_PDF, contentType: 'application/pdf' }],
      },
      'example.org',
    ),
  ]);
}
