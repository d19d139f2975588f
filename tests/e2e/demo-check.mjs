// `cargo xtask demo --check`: loads the demo page served by the emulator in headless Chromium and checks
// that the package loaded and that window.kps is usable from page script. Usage: node demo-check.mjs URL
import { launchChromium, recordPageProblems } from '../js/chromium.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tests/e2e/demo-check.mjs <demo URL>');
  process.exit(2);
}

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const problems = recordPageProblems(page);
  await page.goto(url);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="failed"]', { timeout: 15000 });
  const state = await page.getAttribute('#status', 'data-state');
  const text = await page.textContent('#status');
  if (state !== 'ready') throw new Error(`the demo page did not load the package: ${text}`);
  const fromConsole = await page.evaluate(() => window.kps.version());
  if (fromConsole !== (await page.getAttribute('#status', 'data-version'))) {
    throw new Error(`window.kps.version() returned ${fromConsole}`);
  }
  if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  console.log(`demo page OK: ${text}`);
} finally {
  await browser.close();
}
