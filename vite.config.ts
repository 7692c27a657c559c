import { defineConfig } from 'vite';

// The web client lives in client/ and is served by the Express server from
// dist/client. `npm run dev` proxies the API to a running server on :3000.
export default defineConfig({
  root: 'client',
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/ogc', '/tiles', '/fonts', '/health', '/ready'].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
