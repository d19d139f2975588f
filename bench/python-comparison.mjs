// kps-wasm in Node vs the official Python SDK (bench/python_sdk.py, run by the given Python), both signing
// with AK/SK, one call at a time, against the emulator's benchmark path, with the two fetch baselines
// (safe-raw-fetch.mjs, raw-fetch.mjs) for scale (how far any fetch-based Node client is from the SDK). Their
// rounds are interleaved (SDK, kps-wasm, safe raw fetch, raw fetch, SDK, …) so that all see the same machine
// load; ratios are medians of the per-round ratios. Prints one JSON object on stdout.
//
//   node bench/python-comparison.mjs http://127.0.0.1:PORT path/to/python [--rounds 5] [--round-ms 2000]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { disassociateKeypair } from 'kps-wasm';
import { callOptions } from './fixture.mjs';
import { numberFlags } from './flags.mjs';
import { rawDisassociateKeypair } from './raw-fetch.mjs';
import { summary, timedRound } from './rounds.mjs';
import { safeRawDisassociateKeypair } from './safe-raw-fetch.mjs';

const [endpoint, python, ...rest] = process.argv.slice(2);
if (!endpoint?.startsWith('http://127.0.0.1:') || !python) {
  throw new Error('usage: python-comparison.mjs http://127.0.0.1:PORT PYTHON [flags]');
}
const flags = numberFlags(rest, { rounds: 5, roundMs: 2000, warmupMs: 300, maxCalls: 100000 });

const sdk = spawn(
  python,
  [fileURLToPath(new URL('./python_sdk.py', import.meta.url)), endpoint, '--warmup-ms', String(flags.warmupMs)],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const exited = new Promise((resolve) => sdk.on('exit', (code) => resolve(`exited with status ${code}`)));
sdk.on('error', (e) => {
  throw new Error(`could not start ${python}: ${e.message}`);
});
const lines = createInterface({ input: sdk.stdout })[Symbol.asyncIterator]();
/** The SDK process's next message; fails if it exits or prints something else instead. */
async function nextMessage() {
  const next = await Promise.race([lines.next(), exited.then((why) => ({ done: true, why }))]);
  if (next.done) throw new Error(`the Python SDK script ${next.why ?? 'closed its output'}`);
  return JSON.parse(next.value);
}

try {
  const hello = await nextMessage();
  if (hello.ready !== true) throw new Error(`unexpected first message from the Python SDK script: ${JSON.stringify(hello)}`);
  const options = callOptions(endpoint, 'aksk');
  const ours = () => disassociateKeypair(options);
  const safe = () => safeRawDisassociateKeypair(options);
  const raw = () => rawDisassociateKeypair(options);
  const round = { concurrency: 1, roundMs: flags.roundMs, maxCalls: flags.maxCalls };
  for (const client of [ours, safe, raw]) await timedRound(client, { ...round, roundMs: flags.warmupMs });
  const rates = { sdk_python: [], kps_wasm: [], safe_raw_fetch: [], raw_fetch: [] };
  for (let i = 0; i < flags.rounds; i += 1) {
    process.stderr.write(`   python SDK vs kps-wasm: round ${i + 1} of ${flags.rounds}\n`);
    sdk.stdin.write(`${flags.roundMs}\n`);
    const { rate } = await nextMessage();
    if (typeof rate !== 'number' || !(rate > 0)) throw new Error(`the Python SDK script reported rate ${rate}`);
    rates.sdk_python.push(rate);
    rates.kps_wasm.push(await timedRound(ours, round));
    rates.safe_raw_fetch.push(await timedRound(safe, round));
    rates.raw_fetch.push(await timedRound(raw, round));
  }
  const over = (name) => summary(rates[name].map((rate, i) => rate / rates.sdk_python[i]));
  console.log(
    JSON.stringify({
      runtime: hello.runtime,
      sdk: hello.sdk,
      ...flags,
      unit: 'req/s',
      auth: 'aksk',
      concurrency: 1,
      sdk_python: summary(rates.sdk_python),
      kps_wasm: summary(rates.kps_wasm),
      safe_raw_fetch: summary(rates.safe_raw_fetch),
      raw_fetch: summary(rates.raw_fetch),
      ratio: over('kps_wasm'),
      safe_raw_fetch_over_sdk: over('safe_raw_fetch'),
      raw_fetch_over_sdk: over('raw_fetch'),
    }),
  );
} finally {
  sdk.stdin.end();
}
