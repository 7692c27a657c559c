/**
 * Vite plugin (build only): tells the browser about MapLibre's worker module
 * from the page's <head>, so that it downloads while the main scripts are
 * still being parsed instead of after the map is created. The worker's
 * name is hashed, hence known only once the bundle is written.
 */
import type { Plugin } from 'vite';

export function preloadMapWorker(): Plugin {
  return {
    name: 'border-atlas:preload-map-worker',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const worker = Object.keys(ctx.bundle ?? {}).find((f) => /maplibre-gl-worker.*\.mjs$/.test(f));
        if (!worker || !ctx.path.endsWith('/index.html') || ctx.path.includes('debug')) return [];
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', href: `/${worker}`, as: 'worker' },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}
