// Agent console build: agent-ui/index.html → agent-ui/dist/ (served by the hub at /).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Resolved from this file, not from the working directory, so the build works
// whether it is started from the repository root or from agent-ui/.
const uiRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);
const hub = 'http://localhost:3000';

export default defineConfig({
  root: uiRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: hub, changeOrigin: false },
      '/socket.io': { target: hub, ws: true, changeOrigin: false },
    },
  },
});
