// Console strings for the reports screens. English is the reference; Persian must fill every key.

export const en = {} as const;

export const fa: Record<keyof typeof en, string> = {};
