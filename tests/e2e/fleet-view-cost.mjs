// What the demo page's fleet view costs the fleet: the same fleet run through the page's form, and from the
// page's console with no view (window.kps.disassociateKeypairs), in alternate rounds, timed in the page, with the
// main thread's long tasks. The library runs on the main thread, so a view that renders too much slows the fleet.
// Against an emulator with fleet servers, e.g.
//   target/debug/kps-emulator --port 8787 --www www --pkg pkg --fleet 1000 &
//   node tests/e2e/fleet-view-cost.mjs http://127.0.0.1:8787/ 1000 16 3
// Usage: node tests/e2e/fleet-view-cost.mjs URL [servers=400] [concurrency=16] [rounds=3]
import { launchChromium } from '../js/chromium.mjs';

const [url, servers = '400', concurrency = '16', rounds = '3'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node tests/e2e/fleet-view-cost.mjs URL [servers] [concurrency] [rounds]');
  process.exit(2);
}
const count = Number(servers);
const ids = Array.from({ length: count }, (_, i) => `f1ee7000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);

/** Records the page's long tasks from now on, in `window.longTasks`. */
function watchLongTasks() {
  window.longTasks = [];
  new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({
    type: 'longtask',
  });
}

async function withPage(browser, run) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('#status[data-state="ready"]');
    // Every server has its key pair again.
    await fetch(new URL('/__emulator/reset', url), { method: 'POST' });
    await page.evaluate(watchLongTasks);
    return await run(page);
  } finally {
    await context.close();
  }
}

/** The fleet from the console: the library's own time. */
const withoutView = (page) =>
  page.evaluate(
    async ({ servers, concurrency }) => {
      const started = performance.now();
      const report = await window.kps.disassociateKeypairs({
        endpoint: location.origin, token: 'emulator-token', projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
        servers, concurrency, intervalMs: 500, onProgress: () => {},
      });
      return { ms: performance.now() - started, succeeded: report.succeeded, longTasks: window.longTasks };
    },
    { servers: ids, concurrency: Number(concurrency) },
  );

/** The fleet through the form, until the fleet panel says it ended. */
async function throughThePage(page) {
  await page.check('input[name="mode"][value="fleet"]');
  await page.click('#advanced summary');
  await page.fill('#interval-ms', '500');
  await page.fill('#fleet-concurrency', concurrency);
  await page.fill('#fleet-servers', ids.join('\n'));
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const panel = document.getElementById('fleet-panel');
        const started = performance.now();
        new MutationObserver(() => {
          if (!['done', 'incomplete'].includes(panel.dataset.state)) return;
          const succeeded = Number(document.querySelector('[data-total="succeeded"] dd').textContent);
          resolve({ ms: performance.now() - started, succeeded, longTasks: window.longTasks });
        }).observe(panel, { attributes: true, attributeFilter: ['data-state'] });
        document.getElementById('start-fleet').click();
      }),
  );
}

const line = (name, { ms, succeeded, longTasks }) =>
  `${name.padEnd(14)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${succeeded}/${count} unbound  ` +
  `long tasks ${longTasks.length} (${Math.round(longTasks.reduce((a, b) => a + b, 0))} ms, longest ${Math.round(Math.max(0, ...longTasks))} ms)`;

const browser = await launchChromium();
try {
  console.log(`${count} servers, ${concurrency} unbinds in flight, ${rounds} rounds`);
  for (let round = 1; round <= Number(rounds); round += 1) {
    console.log(line('without view', await withPage(browser, withoutView)));
    console.log(line('the page', await withPage(browser, throughThePage)));
  }
} finally {
  await browser.close();
}
