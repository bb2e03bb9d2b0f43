// Opt-out and opt-in keywords, as carriers and Twilio treat them: the whole
// message, trimmed, in any letter case. "Stop" opts out; "Please stop" does not.

export type OptAction = 'opt-out' | 'opt-in';

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'REVOKE', 'OPTOUT', 'QUIT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'] as const;

const actions = new Map<string, OptAction>([
  ...OPT_OUT_KEYWORDS.map((k) => [k, 'opt-out'] as const),
  ...OPT_IN_KEYWORDS.map((k) => [k, 'opt-in'] as const),
]);

export interface OptKeyword {
  action: OptAction;
  /** The keyword in upper case, as recorded. */
  keyword: string;
}

/** The opt keyword this message is, or null. NFKC folds full-width letters (ＳＴＯＰ) to plain ones first. */
export function parseOptKeyword(body: string): OptKeyword | null {
  const word = body.normalize('NFKC').trim().toUpperCase();
  const action = actions.get(word);
  return action ? { action, keyword: word } : null;
}
