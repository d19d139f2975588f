// Throughput in Node: kps-wasm's disassociateKeypair vs the hand-written fetch baselines (safe-raw-fetch.mjs,
// with a timeout, abort, redirect refusal and a size cap; raw-fetch.mjs, with none), against the emulator's
// benchmark path, interleaved round by round, sequential and 64 in flight, with a token and with AK/SK, after
// checking that all three put the same request on the wire and that the safe baseline refuses what it should.
// Each round also records the CPU time the client's main thread spent per call (the thread every client's
// JavaScript and wasm run on, and the bottleneck once the event loop is saturated). Prints one JSON object on
// stdout; progress goes to stderr.
//
//   node bench/node-throughput.mjs http://127.0.0.1:PORT [--rounds 7] [--round-ms 1000] [--warmup-ms 300]
import { readFileSync } from 'node:fs';
import { disassociateKeypair } from 'kps-wasm';
import { callOptions } from './fixture.mjs';
import { numberFlags } from './flags.mjs';
import { rawDisassociateKeypair } from './raw-fetch.mjs';
import { interleavedRounds } from './rounds.mjs';
import { safeRawDisassociateKeypair } from './safe-raw-fetch.mjs';
import { checkSafeBaseline, checkSameWire } from './wire-check.mjs';

const [endpoint, ...rest] = process.argv.slice(2);
if (!endpoint?.startsWith('http://127.0.0.1:')) throw new Error('usage: node-throughput.mjs http://127.0.0.1:PORT [flags]');
const flags = numberFlags(rest, { rounds: 7, roundMs: 1000, warmupMs: 300, maxCalls: 200000 });

// CPU time in µs: the main thread's from Linux's per-thread schedstat (ns), elsewhere the whole process's.
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const mainThreadClock = () => Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1000;
const processClock = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const hasSchedstat = (() => {
  try {
    return mainThreadClock() > 0;
  } catch {
    return false;
  }
})();
const cpuClock = hasSchedstat ? mainThreadClock : processClock;

await checkSafeBaseline();
const cases = [];
for (const auth of ['token', 'aksk']) {
  await checkSameWire(auth);
  const options = callOptions(endpoint, auth);
  for (const concurrency of [1, 64]) {
    process.stderr.write(`   node: ${auth}, ${concurrency} in flight, ${flags.rounds} rounds each…\n`);
    const result = await interleavedRounds(
      {
        kps_wasm: () => disassociateKeypair(options),
        safe_raw_fetch: () => safeRawDisassociateKeypair(options),
        raw_fetch: () => rawDisassociateKeypair(options),
      },
      { ...flags, concurrency },
      cpuClock,
    );
    cases.push({ auth, concurrency, ...result });
  }
}
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, unit: 'req/s', cpu_clock: hasSchedstat ? 'main thread' : 'whole process', cases }));
