import { useEffect, useState } from 'react';

interface Props {
  /** HTML already sanitised by the email channel; the frame is a second wall, not the first. */
  html: string;
  title: string;
  dir?: 'rtl' | 'ltr' | 'auto';
}

/**
 * The Content-Security-Policy put inside the frame: no scripts, no styles
 * from outside, no forms, no remote loads; images only as data: URLs (the
 * message's own inline parts, fetched by the console, see useInlineImages).
 */
export const EMAIL_FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const INLINE_SRC = /(<img\b[^>]*?\ssrc=")(\/api\/email\/attachments\/[0-9a-f-]{36})(")/gi;

/**
 * The frame has an opaque origin, so its requests carry no session cookie:
 * inline images (served by the authorised attachments route) are fetched
 * here, with the agent's session, and handed to the frame as data: URLs.
 */
function useInlineImages(html: string): string {
  const [loaded, setLoaded] = useState<Record<string, string>>({});
  useEffect(() => {
    const urls = [...new Set(Array.from(html.matchAll(INLINE_SRC), (m) => m[2]!))];
    if (urls.length === 0) return;
    let cancelled = false;
    void Promise.all(
      urls.map(async (url): Promise<[string, string] | null> => {
        try {
          const res = await fetch(url, { credentials: 'same-origin' });
          if (!res.ok) return null;
          const blob = await res.blob();
          const data = await new Promise<string>((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(String(reader.result));
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(blob);
          });
          return /^data:image\/(png|jpeg|gif|webp);/.test(data) ? [url, data] : null;
        } catch {
          return null;
        }
      }),
    ).then((pairs) => {
      if (!cancelled) setLoaded(Object.fromEntries(pairs.filter((p): p is [string, string] => p !== null)));
    });
    return () => {
      cancelled = true;
    };
  }, [html]);
  return html.replace(INLINE_SRC, (whole, start: string, url: string, end: string) => (loaded[url] ? `${start}${loaded[url]}${end}` : whole));
}

/** The whole document the frame shows. Exported for tests. */
export function emailSrcDoc(html: string, dir: 'rtl' | 'ltr' | 'auto' = 'auto'): string {
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${EMAIL_FRAME_CSP}">`,
    // Links open outside the frame (the sandbox allows popups, not navigation of the console).
    '<base target="_blank">',
    '<style>body{margin:0;font:14px/1.5 system-ui,sans-serif;color:#1d232b;overflow-wrap:anywhere}img{max-width:100%;height:auto}blockquote{margin-inline:0;padding-inline-start:.75em;border-inline-start:3px solid #ccd3dc;color:#5a6573}table{max-width:100%}</style>',
    `</head><body dir="${dir}">`,
    html,
    '</body></html>',
  ].join('');
}

/**
 * Mail HTML in a sandboxed frame: no allow-scripts and no allow-same-origin,
 * so even markup that slipped past the sanitiser cannot run or reach the
 * console's cookies and DOM. Without same-origin the parent cannot measure
 * the content, so the height is estimated from it; longer mail scrolls inside.
 */
export function EmailFrame({ html, title, dir = 'auto' }: Props) {
  const withImages = useInlineImages(html);
  const [height, setHeight] = useState(() => estimateHeight(html));
  useEffect(() => setHeight(estimateHeight(html)), [html]);
  return (
    <iframe
      className="email-frame"
      title={title}
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={emailSrcDoc(withImages, dir)}
      style={{ blockSize: `${height}px` }}
      data-testid="email-frame"
    />
  );
}

/** Lines of text (roughly 80 characters each) and images, in pixels; kept between 60 and 600. */
function estimateHeight(html: string): number {
  const text = html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
  const breaks = (html.match(/<(?:br|p|div|li|tr|h\d|blockquote)\b/gi) ?? []).length;
  const images = (html.match(/<img\b/gi) ?? []).length;
  return Math.max(60, Math.min(600, Math.ceil(text.length / 80) * 21 + breaks * 10 + images * 120 + 24));
}
