// `cargo xtask demo --check`: the demo page served by the emulator, driven headless in Chromium the way a first-time
// user would: load it, press Disassociate on the pre-filled form and see the task succeed, then switch to the fleet
// mode and see its pre-filled servers (the emulator's `--fleet` ones) all unbound. Exits 0 when both work, 1 (with
// what the page showed) when one does not. Usage: node tests/e2e/demo-check.mjs URL
import { launchChromium, recordPageProblems } from '../js/chromium.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tests/e2e/demo-check.mjs <demo URL>');
  process.exit(2);
}

const OUTCOMES = ['SUCCESS', 'FAILED', 'error', 'invalid', 'stopped'];
const FLEET_OUTCOMES = ['done', 'incomplete', 'stopped', 'invalid'];

async function check(page, problems) {
  await page.goto(url);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="failed"]', { timeout: 15000 });
  if ((await page.getAttribute('#status', 'data-state')) !== 'ready') {
    throw new Error(`the demo page did not load the package: ${await page.textContent('#status')}`);
  }
  const version = await page.evaluate(() => window.kps.version());
  if (version !== (await page.getAttribute('#status', 'data-version'))) {
    throw new Error(`window.kps.version() returned ${version}`);
  }

  await page.click('#disassociate');
  const reached = OUTCOMES.map((state) => `#task-panel[data-state="${state}"]`).join(', ');
  await page.waitForSelector(reached, { timeout: 30000 });
  const state = await page.getAttribute('#task-panel', 'data-state');
  if (state !== 'SUCCESS') {
    const shown = [await page.textContent('#task-summary'), await page.innerText('#error-panel')];
    throw new Error(`the task ended ${state}, not SUCCESS:\n${shown.join('\n')}`);
  }
  const task = `task ${await page.textContent('#task-id')}: ${await page.textContent('#task-summary')}`;

  // The success took the token out of the form, as it should: the emulator panel puts it back.
  await page.click('#fill-defaults');
  await page.check('input[name="mode"][value="fleet"]');
  await page.click('#start-fleet');
  const ended = FLEET_OUTCOMES.map((state) => `#fleet-panel[data-state="${state}"]`).join(', ');
  await page.waitForSelector(ended, { timeout: 60000 });
  const fleet = await page.textContent('#fleet-summary');
  if ((await page.getAttribute('#fleet-panel', 'data-state')) !== 'done') {
    const notes = await page.$$eval('.field-error', (items) => items.map((item) => item.textContent));
    const table = await page.innerText('#fleet-table');
    throw new Error(`the pre-filled fleet did not succeed whole:\n${fleet}\n${[...notes, table].join('\n')}`);
  }
  if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  return `kps-wasm ${version}, ${task}\nfleet: ${fleet}`;
}

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const problems = recordPageProblems(page);
  console.log(`demo page OK: ${await check(page, problems)}`);
} catch (error) {
  console.error(`demo page check failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
