// ESLint flat config for Pasokh (ESLint 10 + typescript-eslint 8, no type-aware rules: lint stays fast).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The `globals` package is not installed, so the globals each environment needs are listed here.
// (TypeScript files do not use `no-undef`; these matter for plain .js/.mjs/.cjs files.)
const ro = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

const sharedRuntimeGlobals = [
  'AbortController',
  'AbortSignal',
  'Blob',
  'BroadcastChannel',
  'console',
  'crypto',
  'DOMException',
  'Event',
  'EventTarget',
  'fetch',
  'FormData',
  'Headers',
  'MessageChannel',
  'performance',
  'queueMicrotask',
  'ReadableStream',
  'Request',
  'Response',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
  'structuredClone',
  'TextDecoder',
  'TextEncoder',
  'URL',
  'URLSearchParams',
  'WebSocket',
  'WritableStream',
];

const nodeGlobals = ro([
  ...sharedRuntimeGlobals,
  'Buffer',
  'global',
  'process',
  'setImmediate',
  'clearImmediate',
]);

const browserGlobals = ro([
  ...sharedRuntimeGlobals,
  'alert',
  'cancelAnimationFrame',
  'confirm',
  'CustomEvent',
  'document',
  'getComputedStyle',
  'history',
  'HTMLElement',
  'HTMLInputElement',
  'IntersectionObserver',
  'KeyboardEvent',
  'localStorage',
  'location',
  'matchMedia',
  'MouseEvent',
  'MutationObserver',
  'navigator',
  'Notification',
  'requestAnimationFrame',
  'ResizeObserver',
  'sessionStorage',
  'window',
]);

// Architectural rule: the pure routing engine and dialer pacing model do no I/O.
const PURE_DIRS = ['src/routing/engine/**', 'src/dialer/pacing/**'];
const PURE_IMPORT_MESSAGE = 'routing/engine and dialer/pacing stay pure: no I/O';
const PURE_TIME_MESSAGE = 'routing/engine and dialer/pacing stay pure: time and randomness are inputs';
const bannedModules = [
  'pg',
  'kysely',
  'ioredis',
  'bullmq',
  'socket.io',
  'socket.io-client',
  'twilio',
  'imapflow',
  'nodemailer',
  'express',
  'node:fs',
  'node:net',
  'node:http',
  'fs',
  'net',
  'http',
];
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Matches the banned modules, their subpaths (fs/promises, pg/lib/...) and any @socket.io/* package.
// (esquery regex literals cannot contain '/', so it is written as \x2F.)
const bannedSourceRegExp = `^(?:@socket\\.io\\x2F.*|(?:${bannedModules.map(escapeRegExp).join('|')})(?:\\x2F.*)?)$`;

export default defineConfig([
  globalIgnores(['dist/', 'agent-ui/dist/', 'node_modules/', 'coverage/', 'test-results/']),

  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts,tsx,jsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // CommonJS files, if any appear.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: ro(['require', 'module', 'exports', '__dirname', '__filename']) } },

  // Node side: the hub, tests, benchmarks, scripts and root config files.
  {
    files: ['src/**', 'tests/**', 'bench/**', 'scripts/**', '*.{js,mjs,cjs,ts,mts,cts}'],
    languageOptions: { globals: nodeGlobals },
  },

  // Browser side: the agent console, supervisor dashboard and chat widget.
  {
    files: ['agent-ui/src/**'],
    languageOptions: { globals: browserGlobals },
  },
  // agent-ui build configs (vite.config.ts etc.) run in Node.
  {
    files: ['agent-ui/*.{js,mjs,cjs,ts,mts,cts}'],
    languageOptions: { globals: nodeGlobals },
  },

  // The hub logs through pino; console output is only for command-line tools.
  { files: ['src/**'], rules: { 'no-console': 'error' } },
  { files: ['src/cli/**', 'bench/**', 'scripts/**'], rules: { 'no-console': 'off' } },

  // Channels import downward only: the dialer (and others) hear of a channel's events through the hub's wiring.
  {
    files: ['src/channels/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/dialer/**'], message: 'A channel must not depend on the dialer: take a hook on the ChannelContext (wired in src/hub.ts).' }] }],
    },
  },

  // Pure layers: no I/O modules, no clock, no randomness.
  {
    files: PURE_DIRS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedModules.map((name) => ({ name, message: PURE_IMPORT_MESSAGE })),
          patterns: [
            { group: ['@socket.io/*'], message: PURE_IMPORT_MESSAGE },
            { group: bannedModules.map((name) => `${name}/*`), message: PURE_IMPORT_MESSAGE },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: PURE_TIME_MESSAGE },
        { object: 'Math', property: 'random', message: PURE_TIME_MESSAGE },
        { object: 'performance', property: 'now', message: PURE_TIME_MESSAGE },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: PURE_TIME_MESSAGE },
        { selector: "CallExpression[callee.name='Date']", message: PURE_TIME_MESSAGE },
        { selector: `ImportExpression[source.value=/${bannedSourceRegExp}/]`, message: PURE_IMPORT_MESSAGE },
      ],
    },
  },
]);
