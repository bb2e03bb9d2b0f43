// Mail HTML is hostile: what reaches the console keeps formatting and nothing that runs or phones home.
import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** Content-ID (without brackets) → the URL the console loads that inline image from. */
  inlineImages?: Record<string, string>;
}

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'div', 'dl', 'dt', 'em',
  'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'small', 'span',
  'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul', 'center',
];

/**
 * Sanitises an email's HTML for display: basic formatting, tables and links
 * (http, https, mailto; opened in a new tab without referrer); no scripts,
 * styles, event handlers, forms or frames; images only from the message
 * itself (cid: parts, served through the authorised attachments route).
 * Remote images are dropped, their address kept in `data-remote-src` so a
 * console may offer "load images" later.
 */
export function sanitizeEmailHtml(html: string, o: SanitizeOptions = {}): string {
  const inline = o.inlineImages ?? {};
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      '*': ['dir', 'lang', 'title', 'align', 'valign'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'data-remote-src'],
      td: ['colspan', 'rowspan', 'width'],
      th: ['colspan', 'rowspan', 'width'],
      table: ['width', 'cellpadding', 'cellspacing', 'border'],
      font: ['color', 'size'],
      ol: ['start', 'type'],
      bdo: ['dir'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    enforceHtmlBoundary: true,
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml', 'iframe', 'object', 'svg', 'math', 'template'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const { src: _dropped, ...rest } = attribs;
        const cid = /^cid:(.+)$/i.exec(src)?.[1];
        const local = cid ? inline[cid.replace(/^<|>$/g, '')] : undefined;
        if (local) return { tagName, attribs: { ...rest, src: local } };
        return { tagName, attribs: /^https?:/i.test(src) ? { ...rest, 'data-remote-src': src } : rest };
      },
    },
    // Our own inline-image URLs are relative paths; everything else on img was removed above.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src && !frame.attribs['data-remote-src'] && !frame.attribs.alt,
  });
}
