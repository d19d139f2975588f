// Per-call cost in Node with the network stubbed: globalThis.fetch is replaced by a function that resolves
// at once with a canned 202 Response, so a call is option validation + request building + (AK/SK) signing
// + the fetch/Request/Response objects + reading and parsing the answer, and no I/O; for kps-wasm and the safe
// baseline also their timeout, abort wiring and capped body read. Nothing is subtracted: the stub's own cost
// is reported alongside. Each call is timed on its own; prints one JSON object.
//
//   node bench/node-per-call.mjs [--calls 20000] [--warmup 2000]
import { disassociateKeypair } from 'kps-wasm';
import { callOptions } from './fixture.mjs';
import { numberFlags } from './flags.mjs';
import { rawDisassociateKeypair } from './raw-fetch.mjs';
import { safeRawDisassociateKeypair } from './safe-raw-fetch.mjs';

const flags = numberFlags(process.argv.slice(2), { calls: 20000, warmup: 2000 });
// Never contacted: the stub answers every request.
const ENDPOINT = 'http://127.0.0.1:9';
const TASK_ID = 'c3a1f1de-0a4b-4c7e-9d2f-be7c00000001';
const ANSWER = JSON.stringify({ task_id: TASK_ID });

let stubbedFetches = 0;
globalThis.fetch = async () => {
  stubbedFetches += 1;
  return new Response(ANSWER, {
    status: 202,
    // As the emulator (and KPS) answer: with Content-Length, which lets a client read the body in one piece.
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(ANSWER.length),
      'X-Request-Id': '0123456789abcdef0123456789abcdef',
    },
  });
};

const tokenOptions = callOptions(ENDPOINT, 'token');
const akskOptions = callOptions(ENDPOINT, 'aksk');
// One caller's signal shared by every call, as a page's "cancel" button would be; it never aborts.
const withSignal = { ...tokenOptions, signal: new AbortController().signal };
const cases = {
  'kps-wasm, token': () => disassociateKeypair(tokenOptions),
  'kps-wasm, AK/SK': () => disassociateKeypair(akskOptions),
  'safe raw fetch, token': () => safeRawDisassociateKeypair(tokenOptions),
  'safe raw fetch, AK/SK': () => safeRawDisassociateKeypair(akskOptions),
  'raw fetch, token': () => rawDisassociateKeypair(tokenOptions),
  'raw fetch, AK/SK': () => rawDisassociateKeypair(akskOptions),
  "kps-wasm, token, with a caller's signal": () => disassociateKeypair(withSignal),
  "safe raw fetch, token, with a caller's signal": () => safeRawDisassociateKeypair(withSignal),
  'the stub alone (fetch + json)': async () => (await (await fetch(ENDPOINT, { method: 'POST' })).json()).task_id,
};

const results = [];
for (const [name, call] of Object.entries(cases)) {
  const before = stubbedFetches;
  for (let i = 0; i < flags.warmup; i += 1) await call();
  const micros = new Float64Array(flags.calls);
  for (let i = 0; i < flags.calls; i += 1) {
    const start = process.hrtime.bigint();
    const taskId = await call();
    micros[i] = Number(process.hrtime.bigint() - start) / 1000;
    if (taskId !== TASK_ID) throw new Error(`${name}: resolved with ${JSON.stringify(taskId)}, not the stub's task ID`);
  }
  if (stubbedFetches - before !== flags.warmup + flags.calls) {
    throw new Error(`${name}: ${stubbedFetches - before} stubbed fetches for ${flags.warmup + flags.calls} calls`);
  }
  micros.sort();
  const at = (q) => Number(micros[Math.min(micros.length - 1, Math.floor(q * micros.length))].toPrecision(4));
  results.push({ name, median: at(0.5), p10: at(0.1), p90: at(0.9) });
}
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, unit: 'µs per call', cases: results }));
