// The fleet bench in headless Chromium (Debian's, through playwright-core): the page bench/browser-fleet.html,
// served by the emulator, runs the rounds of fleet-round.mjs against its own origin. The emulator must run with
// `--rate-limit 50 --fleet 500 --task-ready-ms 500 --task-running-ms 1500` (or the like). Prints one JSON object
// on stdout.
//
//   node bench/browser-fleet.mjs http://127.0.0.1:PORT [--rounds 3] [--servers 500] [--concurrency 8] [--interval-ms 1000]
import { launchChromium, recordPageProblems } from '../tests/js/chromium.mjs';
import { numberFlags } from './flags.mjs';

const [origin, ...rest] = process.argv.slice(2);
if (!origin?.startsWith('http://127.0.0.1:')) throw new Error('usage: browser-fleet.mjs http://127.0.0.1:PORT [flags]');
const flags = numberFlags(rest, { rounds: 3, servers: 500, concurrency: 8, intervalMs: 1000 });

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const problems = recordPageProblems(page);
  await page.goto(`${origin}/browser-fleet.html`);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 15000 }).catch(() => {
    throw new Error(`the bench page did not load: ${problems.join('; ') || 'no error reported'}`);
  });
  const rounds = [];
  for (let i = 1; i <= flags.rounds; i += 1) {
    const figures = await page.evaluate((f) => window.runFleetRound(f), flags);
    process.stderr.write(`   chromium fleet round ${i}/${flags.rounds}: ${JSON.stringify(figures)}\n`);
    rounds.push(figures);
  }
  // Chromium logs every refused request (the gateway's 429s the fleet is measured against) as a console error.
  const throttling = /Failed to load resource: the server responded with a status of 429/;
  const unexpected = problems.filter((problem) => !throttling.test(problem));
  if (unexpected.length > 0) throw new Error(`the bench page reported problems: ${unexpected.join('; ')}`);
  console.log(JSON.stringify({ runtime: `chromium ${browser.version()}`, ...flags, rounds }));
} finally {
  await browser.close();
}
