// The mail-server harness lives in src/devtools (the demo uses it too); the
// tests keep importing it from here.
export * from '../../src/devtools/mail-servers.js';
