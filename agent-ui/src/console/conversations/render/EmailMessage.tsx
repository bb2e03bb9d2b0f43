import { useId, useMemo, useState } from 'react';
import type { MessageDto } from '../../../../../src/contracts/index.js';
import { useI18n } from '../../i18n/context.js';
import { EmailFrame } from './EmailFrame.js';
import { FileSize } from './FileSize.js';
import { emailMeta, type MailAddress } from './meta.js';
import { foldQuotedHtml, foldQuotedText } from './quoteFolding.js';

/** "Name <address>", each part isolated so a Persian name does not reorder the address's brackets. */
function Address({ a }: { a: MailAddress }) {
  if (!a.name) return <bdi dir="ltr">{a.address}</bdi>;
  return (
    <>
      <bdi dir="auto">{a.name}</bdi> <bdi dir="ltr">{`<${a.address}>`}</bdi>
    </>
  );
}

function AddressList({ list }: { list: MailAddress[] }) {
  return (
    <>
      {list.map((a, i) => (
        <span key={`${a.address}-${i}`}>
          {i > 0 && ', '}
          <Address a={a} />
        </span>
      ))}
    </>
  );
}

/** An email on the timeline: header, body (HTML in a sandboxed frame, or text), quoted history folded, attachments, bounce. */
export function EmailMessage({ message }: { message: MessageDto }) {
  const { t } = useI18n();
  const meta = useMemo(() => emailMeta(message.metadata), [message.metadata]);
  const [showQuoted, setShowQuoted] = useState(false);
  const quotedId = useId();
  const folded = useMemo(() => (meta.html ? foldQuotedHtml(meta.html) : foldQuotedText(message.body)), [meta.html, message.body]);
  const subject = meta.subject ?? t('ch.email.noSubject');
  const files = meta.attachments.filter((a) => !a.inline);

  return (
    <div className="email-message" data-testid="email-message">
      <dl className="email-head">
        <div>
          <dt>{t('ch.email.subject')}</dt>
          <dd className="email-subject" dir="auto" data-testid="email-subject">
            {subject}
          </dd>
        </div>
        {meta.from && (
          <div>
            <dt>{t('ch.email.from')}</dt>
            <dd dir="auto" data-testid="email-from">
              <Address a={meta.from} />
            </dd>
          </div>
        )}
        {meta.to.length > 0 && (
          <div>
            <dt>{t('ch.email.to')}</dt>
            <dd dir="auto">
              <AddressList list={meta.to} />
            </dd>
          </div>
        )}
        {meta.cc.length > 0 && (
          <div>
            <dt>{t('ch.email.cc')}</dt>
            <dd dir="auto" data-testid="email-cc">
              <AddressList list={meta.cc} />
            </dd>
          </div>
        )}
      </dl>

      {meta.html ? (
        <EmailFrame html={showQuoted || !folded.quoted ? meta.html : folded.main} title={t('ch.email.frameTitle', { subject })} />
      ) : (
        <>
          <p className="email-text" dir="auto">
            {folded.main}
          </p>
          {folded.quoted && showQuoted && (
            <pre className="email-quoted" dir="auto" id={quotedId} data-testid="email-quoted">
              {folded.quoted}
            </pre>
          )}
        </>
      )}
      {folded.quoted && (
        <button
          type="button"
          className="link email-quote-toggle"
          aria-expanded={showQuoted}
          {...(meta.html ? {} : { 'aria-controls': quotedId })}
          onClick={() => setShowQuoted((v) => !v)}
          data-testid="email-quote-toggle"
        >
          {showQuoted ? t('ch.email.hideQuoted') : t('ch.email.showQuoted')}
        </button>
      )}

      {files.length > 0 && (
        <section className="email-attachments" aria-label={t('ch.email.attachments')}>
          <ul>
            {files.map((a) => (
              <li key={a.url} data-testid="email-attachment">
                <a href={a.url} download={a.filename ?? true} dir="auto">
                  {a.filename ?? t('ch.email.download')}
                </a>{' '}
                <span className="muted">
                  {a.contentType}
                  {a.size !== null && (
                    <>
                      {' · '}
                      <FileSize bytes={a.size} />
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {meta.bounce && (
        // The detailed reason is under the bubble (statusReason); this says plainly that it came back.
        <p className="email-bounce" role="status" data-testid="email-bounce">
          {meta.bounce.status ? t('ch.email.bouncedReason', { reason: meta.bounce.status }) : t('ch.email.bounced')}
        </p>
      )}
    </div>
  );
}
