// Takes the README's screenshot of the web map (docs/img/map.png) from a running server:
//
//   npm start                                   # or any server with the client built
//   node docs/img/screenshot.mjs http://127.0.0.1:3000/
//
// Debian's Chromium through playwright-core (CHROMIUM_PATH overrides the path), 1440×900.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000/';
// The northern border provinces, the border band at 20 km, the layer list.
const view = '#map=6.60/20.9000/105.2000&km=20&tab=layers&lang=en';
const out = fileURLToPath(new URL('map.png', import.meta.url));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(new URL(view, base).href);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  // 'idle': a frame with nothing left to load, fade or move.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const { map } = window.atlas;
        map.once('idle', resolve);
        map.triggerRepaint();
      }),
  );
  await page.waitForFunction(() => !document.querySelector('.totals')?.textContent?.includes('…'));
  await page.screenshot({ path: out });
  process.stdout.write(`${out}\n`);
} finally {
  await browser.close();
}
