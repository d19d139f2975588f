// The fleet bench in headless Chromium: the page bench/browser-fleet.html, served by the emulator, runs the
// rounds of fleet-round.mjs against its own origin. The emulator must run with `--rate-limit 50 --fleet 500
// --task-ready-ms 500 --task-running-ms 1500` (or the like). Prints one JSON object on stdout.
//
//   node bench/browser-fleet.mjs http://127.0.0.1:PORT [--rounds 3] [--servers 500] [--concurrency 8] [--interval-ms 1000]
import { onBenchPage } from './bench-page.mjs';
import { numberFlags } from './flags.mjs';

const [origin, ...rest] = process.argv.slice(2);
if (!origin?.startsWith('http://127.0.0.1:')) throw new Error('usage: browser-fleet.mjs http://127.0.0.1:PORT [flags]');
const flags = numberFlags(rest, { rounds: 3, servers: 500, concurrency: 8, intervalMs: 1000 });

// Chromium logs every refused request (the gateway's 429s the fleet is measured against) as a console error.
const throttling = /Failed to load resource: the server responded with a status of 429/;
const { version, result: rounds } = await onBenchPage(
  origin,
  'browser-fleet.html',
  async (page) => {
    const rounds = [];
    for (let i = 1; i <= flags.rounds; i += 1) {
      const figures = await page.evaluate((f) => window.runFleetRound(f), flags);
      process.stderr.write(`   chromium fleet round ${i}/${flags.rounds}: ${JSON.stringify(figures)}\n`);
      rounds.push(figures);
    }
    return rounds;
  },
  throttling,
);
console.log(JSON.stringify({ runtime: `chromium ${version}`, ...flags, rounds }));
