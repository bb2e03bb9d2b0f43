// Chat widget build: src/widget/main.ts → dist/widget.js, one self-contained IIFE
// (socket.io-client included). Runs after the console build, so it must not
// empty dist/.
import { defineConfig } from 'vite';

const uiRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: uiRoot,
  base: '/',
  // public/ is already copied by the console build.
  publicDir: false,
  define: {
    // Library mode leaves process.env alone; the widget runs on third-party pages
    // where `process` does not exist.
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: false,
    target: 'es2020',
    // Browsers with native logical properties (inset-inline-end etc.). An older
    // CSS target makes the minifier rewrite them into :lang()/:dir() fallbacks,
    // which are not valid on :host and would drop the launcher's position.
    cssTarget: ['chrome89', 'edge89', 'firefox66', 'safari15'],
    cssCodeSplit: false,
    lib: {
      entry: 'src/widget/main.ts',
      name: 'PasokhWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
    rolldownOptions: {
      output: {
        codeSplitting: false,
      },
    },
  },
});
