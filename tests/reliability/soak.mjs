// The soak of `cargo xtask fuzz` (stage `soak`): many calls of the built package, `--in-flight` at a time,
// against the emulator's benchmark server, token and AK/SK mixed, every one with the same AbortSignal (never
// aborted). Between phases it lets the calls in flight settle, collects garbage and reads the wasm linear memory
// and the JS heap at that checkpoint. Prints one JSON object on stdout (progress on stderr): the counts, the
// checkpoints and the first failures; xtask/src/fuzz/soak.rs judges them (what must hold is written there).
//
//   KPS_EMULATOR_URL=http://127.0.0.1:PORT node --expose-gc tests/reliability/soak.mjs \
//     [--calls 40000] [--in-flight 256] [--warmup 2000] [--every 5000] [--seed HEX]
import { getEventListeners } from 'node:events';
import { BENCH_SERVER, CREDENTIALS, EMULATOR, PROJECT, TOKEN } from '../js/emulator.mjs';

const flags = { calls: 40000, inFlight: 256, warmup: 2000, every: 5000, seed: '0' };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
  if (!(name in flags) || process.argv[i + 1] === undefined) throw new Error(`unknown flag ${process.argv[i]}`);
  flags[name] = name === 'seed' ? process.argv[i + 1] : Number(process.argv[i + 1]);
}
if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

/** One wait call in this many: each makes two requests (the unbind, then one read of its task). */
const WAIT_ONE_IN = 50;

// The package's WebAssembly.Memory, without an API for it: the Node entry instantiates the module with
// `new WebAssembly.Instance` at import, so a subclass in its place for that import sees the instance's exports.
const memories = [];
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = class extends RealInstance {
  constructor(module, imports) {
    super(module, imports);
    if (this.exports.memory instanceof WebAssembly.Memory) memories.push(this.exports.memory);
  }
};
const kps = await import('kps-wasm');
WebAssembly.Instance = RealInstance;
if (memories.length !== 1) throw new Error(`expected the package to instantiate one module, saw ${memories.length}`);
const [memory] = memories;


// mulberry32 over the seed's low and high halves: the mix of calls (auth, wait) is the seed's.
const seed = BigInt(`0x${flags.seed.replace(/^0x/, '') || '0'}`);
let state = Number((seed ^ (seed >> 32n)) & 0xffffffffn);
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

let unhandled = 0;
process.on('unhandledRejection', () => {
  unhandled += 1;
});

const controller = new AbortController();
const signal = controller.signal;
const common = { endpoint: EMULATOR, projectId: PROJECT, serverId: BENCH_SERVER, signal };
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const counts = { token: 0, aksk: 0, wait: 0, ok: 0, failed: 0 };
const failures = [];
let maxListeners = 0;

async function call(index) {
  const aksk = random() < 0.5;
  const wait = random() < 1 / WAIT_ONE_IN;
  counts[aksk ? 'aksk' : 'token'] += 1;
  const options = aksk ? { ...common, credentials: { ...CREDENTIALS } } : { ...common, token: TOKEN };
  try {
    if (wait) {
      counts.wait += 1;
      const task = await kps.disassociateKeypairAndWait({ ...options, intervalMs: 100 });
      if (task.status !== 'SUCCESS_UNBIND' || !TASK_ID.test(task.taskId)) throw new Error(`task ${JSON.stringify(task)}`);
    } else {
      const taskId = await kps.disassociateKeypair(options);
      if (!TASK_ID.test(taskId)) throw new Error(`task ID ${JSON.stringify(taskId)}`);
    }
    counts.ok += 1;
  } catch (error) {
    if (failures.length < 10) failures.push(`call ${index} (${aksk ? 'AK/SK' : 'token'}${wait ? ', wait' : ''}): ${error}`);
    counts.failed += 1;
  }
}

/** Runs calls `from`..`to` (exclusive), `inFlight` at a time; resolves once every one settled. */
async function phase(from, to) {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const index = next++;
      const settled = call(index);
      maxListeners = Math.max(maxListeners, getEventListeners(signal, 'abort').length);
      await settled;
    }
  };
  await Promise.all(Array.from({ length: Math.min(flags.inFlight, to - from) }, worker));
}

/** Settled state: garbage collected, then the wasm memory and the JS heap. */
async function checkpoint(calls) {
  await new Promise((resolve) => setImmediate(resolve));
  global.gc();
  global.gc();
  const point = { calls, wasmBytes: memory.buffer.byteLength, heapBytes: process.memoryUsage().heapUsed };
  process.stderr.write(
    `soak: ${calls} calls, wasm ${point.wasmBytes} B, heap ${(point.heapBytes / 1048576).toFixed(2)} MiB, ` +
      `${counts.failed} failed\n`,
  );
  return point;
}

const bounds = [Math.min(flags.warmup, flags.calls)];
while (bounds.at(-1) < flags.calls) {
  bounds.push(Math.min(flags.calls, (Math.floor(bounds.at(-1) / flags.every) + 1) * flags.every));
}
const checkpoints = [await checkpoint(0)];
const started = performance.now();
let done = 0;
for (const bound of bounds) {
  await phase(done, bound);
  done = bound;
  checkpoints.push(await checkpoint(done));
}
const seconds = (performance.now() - started) / 1000;
const listenersLeft = getEventListeners(signal, 'abort').length;

console.log(
  JSON.stringify({
    calls: flags.calls,
    inFlight: flags.inFlight,
    token: counts.token,
    aksk: counts.aksk,
    wait: counts.wait,
    succeeded: counts.ok,
    failed: counts.failed,
    unhandledRejections: unhandled,
    maxListeners,
    listenersLeft,
    signalAborted: signal.aborted,
    seconds,
    checkpoints,
    firstFailures: failures,
  }),
);
