// Where the hub is and which language to speak, read from the embedding <script>.
//
//   <script src="https://hub.example/widget.js" async></script>
//   <script src="/widget.js" data-pasokh-url="https://hub.example" data-lang="fa" async></script>

export type WidgetLang = 'en' | 'fa';

export interface WidgetConfig {
  /** Origin of the hub, e.g. https://hub.example */
  origin: string;
  /** socket.io path on that origin: /socket.io, or /prefix/socket.io when the hub sits under a path. */
  socketPath: string;
  lang: WidgetLang;
}

/** The script element that loaded the widget; must be called while the script first runs. */
export function findOwnScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // currentScript is null when the code runs later (e.g. a bundler wrapped it);
  // fall back to the last matching tag on the page.
  const candidates = document.querySelectorAll<HTMLScriptElement>('script[data-pasokh-url], script[src*="widget.js"]');
  return candidates.length > 0 ? (candidates[candidates.length - 1] ?? null) : null;
}

export function resolveConfig(script: HTMLScriptElement | null): WidgetConfig {
  let base: URL;
  const explicit = script?.dataset.pasokhUrl?.trim();
  try {
    if (explicit) base = new URL(explicit, document.baseURI);
    else if (script?.src) base = new URL('.', script.src);
    else base = new URL('/', window.location.href);
  } catch {
    base = new URL('/', window.location.href);
  }
  const prefix = base.pathname.replace(/\/+$/, '');

  const requested = script?.dataset.lang?.trim().toLowerCase();
  const pageLang = document.documentElement.lang.toLowerCase();
  const lang: WidgetLang = requested ? (requested.startsWith('fa') ? 'fa' : 'en') : pageLang.startsWith('fa') ? 'fa' : 'en';

  return { origin: base.origin, socketPath: `${prefix}/socket.io`, lang };
}
