// Throughput in headless Chromium: the page bench/browser-throughput.html,
// served by the emulator, runs kps-wasm and the two fetch baselines (safe-raw-fetch.mjs, raw-fetch.mjs) in
// interleaved rounds against its own origin, sequential and 64 in flight (Chromium opens at most 6 HTTP/1.1
// connections per host, for every client alike), with a token and with AK/SK. Prints one JSON object on stdout.
//
//   node bench/browser-throughput.mjs http://127.0.0.1:PORT [--rounds 5] [--round-ms 1000] [--warmup-ms 300]
import { onBenchPage } from './bench-page.mjs';
import { numberFlags } from './flags.mjs';

const [origin, ...rest] = process.argv.slice(2);
if (!origin?.startsWith('http://127.0.0.1:')) throw new Error('usage: browser-throughput.mjs http://127.0.0.1:PORT [flags]');
const flags = numberFlags(rest, { rounds: 5, roundMs: 1000, warmupMs: 300, maxCalls: 200000 });

const { version, result: cases } = await onBenchPage(origin, 'browser-throughput.html', async (page) => {
  const cases = [];
  for (const auth of ['token', 'aksk']) {
    for (const concurrency of [1, 64]) {
      process.stderr.write(`   chromium: ${auth}, ${concurrency} in flight, ${flags.rounds} rounds each…\n`);
      const result = await page.evaluate(([a, c, f]) => window.runCase(a, c, f), [auth, concurrency, flags]);
      cases.push({ auth, concurrency, ...result });
    }
  }
  return cases;
});
console.log(JSON.stringify({ runtime: `chromium ${version}`, ...flags, unit: 'req/s', cases }));
