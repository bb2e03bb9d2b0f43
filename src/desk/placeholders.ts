// Canned-response placeholders ({{customer.name}} …). Pure: shared by the hub
// (which refuses unknown names when a response is saved) and the console
// (which fills them when the agent inserts a response).

export const PLACEHOLDERS = ['customer.name', 'customer.email', 'agent.name', 'conversation.id', 'conversation.channel'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

export type PlaceholderValues = Partial<Record<PlaceholderName, string | null | undefined>>;

export interface Filled {
  text: string;
  /** Names the template uses that we do not know; left visible as typed so the agent notices. */
  unknown: string[];
  /** Known names with no value here (a customer without a name); filled with ''. */
  empty: PlaceholderName[];
}

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isKnown = (name: string): name is PlaceholderName => (PLACEHOLDERS as readonly string[]).includes(name);

/** The placeholder names a template uses that are not known, in order of first use. */
export function unknownPlaceholders(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PATTERN)) {
    const name = m[1] ?? '';
    if (!isKnown(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Fills known placeholders; an unknown one stays as written and is reported. Everything else is left byte for byte. */
export function fillPlaceholders(template: string, values: PlaceholderValues): Filled {
  const unknown: string[] = [];
  const empty: PlaceholderName[] = [];
  const text = template.replace(PATTERN, (whole, raw: string) => {
    if (!isKnown(raw)) {
      if (!unknown.includes(raw)) unknown.push(raw);
      return whole;
    }
    const value = values[raw]?.trim();
    if (!value) {
      if (!empty.includes(raw)) empty.push(raw);
      return '';
    }
    return value;
  });
  // A missing name leaves "Hello ," behind; tidy the space before punctuation and doubled spaces it caused.
  const tidied = empty.length > 0 ? text.replace(/[ \t]+([,.!?،؛؟])/g, '$1').replace(/[ \t]{2,}/g, ' ') : text;
  return { text: tidied, unknown, empty };
}
