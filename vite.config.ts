import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompressAssets } from './client/precompress.ts';
import { preloadMapWorker } from './client/preload-worker.ts';

// The web client lives in client/ and is served by the Express server from
// dist/client. `npm run dev` proxies the API to a running server on :3000.
export default defineConfig({
  root: 'client',
  plugins: [preloadMapWorker(), precompressAssets()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // The map, and the tile debug page (STYLE.md item 13).
      input: {
        main: fileURLToPath(new URL('./client/index.html', import.meta.url)),
        debug: fileURLToPath(new URL('./client/debug/index.html', import.meta.url)),
      },
      // MapLibre in a chunk of its own: cached apart from our code, and
      // measured apart by npm run bench:client.
      output: { codeSplitting: { groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ }] } },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/ogc', '/tiles', '/fonts', '/health', '/ready'].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
