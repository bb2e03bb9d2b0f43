// The queue form offers the strategies the hub accepts: a name the engine adds must reach the
// console's list (and its labels), or a queue using it shows up blank in the admin screen.
import { describe, expect, it } from 'vitest';
import { STRATEGIES as CONSOLE_STRATEGIES } from '../../agent-ui/src/console/api/endpoints.js';
import { STRINGS, type StringKey } from '../../agent-ui/src/console/i18n/strings.js';
import { STRATEGIES } from '../../src/routing/engine/index.js';

describe('queue strategies in the console', () => {
  it('lists every strategy the engine has, each labelled and explained in English and Persian', () => {
    expect([...CONSOLE_STRATEGIES].sort()).toEqual([...STRATEGIES].sort());
    for (const lang of ['en', 'fa'] as const) {
      for (const s of STRATEGIES) {
        expect(STRINGS[lang][`strategy.${s}` as StringKey], `${lang} strategy.${s}`).toBeTruthy();
        expect(STRINGS[lang][`strategy.${s}.help` as StringKey], `${lang} strategy.${s}.help`).toBeTruthy();
      }
    }
  });
});
