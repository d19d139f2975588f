// Prices and checks one build of the alternatives probe (bench/alternatives/, built by
// `cargo xtask alternatives`) in Node: for each alternative the build carries, its per-call cost against the
// library's own way in the same instance, and the behaviour differences ARCHITECTURE.md records, each
// observed rather than assumed. Prints one JSON object: { timings: [...], checks: [...] }.
//
//   node bench/alternatives/measure.mjs <directory of one build> [--calls 10000] [--rounds 5]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callOptions } from '../fixture.mjs';
import { numberFlags } from '../flags.mjs';

const [dirArg, ...rest] = process.argv.slice(2);
if (dirArg === undefined) throw new Error('usage: node bench/alternatives/measure.mjs <build directory> [flags]');
const flags = numberFlags(rest, { calls: 10000, rounds: 5 });
const dir = resolve(dirArg);

let instances = 0;
/** A fresh instance of the build, with its own copy of the glue (a trap in one leaves the others intact). */
async function load() {
  instances += 1;
  const glue = await import(`${pathToFileURL(join(dir, 'kps_alternatives_bg.js'))}?instance=${instances}`);
  const module = new WebAssembly.Module(readFileSync(join(dir, 'kps_alternatives_bg.wasm')));
  const instance = new WebAssembly.Instance(module, { './kps_alternatives_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
  return glue;
}

// Never contacted: fetch is stubbed, as in bench/node-per-call.mjs.
const ENDPOINT = 'http://127.0.0.1:9';
const TASK_ID = 'c3a1f1de-0a4b-4c7e-9d2f-be7c00000001';
const ANSWER = JSON.stringify({ task_id: TASK_ID });
let respond = () =>
  new Response(ANSWER, {
    status: 202,
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(ANSWER.length), 'X-Request-Id': 'r-1' },
  });
globalThis.fetch = async () => respond();

const token = callOptions(ENDPOINT, 'token');
const aksk = callOptions(ENDPOINT, 'aksk');
const LIST = JSON.stringify({
  total: 20,
  tasks: Array.from({ length: 20 }, (_, i) => ({
    task_id: `${TASK_ID.slice(0, -2)}${String(i).padStart(2, '0')}`,
    operate_type: 'UNBIND',
    task_time: i % 2 ? 1795860900000 : '1795860900000',
    server_name: `ecs-${i}`,
    server_id: token.serverId,
    keypair_name: 'KeyPair-demo',
    task_error_code: 'KPS.6004',
    task_error_msg: 'no keypair found',
  })),
});

/** Median µs per call of `ours` and `theirs`, timed call by call in alternating rounds. */
async function compare(name, ours, theirs, check) {
  for (const call of [ours, theirs]) check(await call());
  const samples = [[], []];
  const perRound = Math.max(1, Math.floor(flags.calls / flags.rounds));
  for (let round = 0; round < flags.rounds; round += 1) {
    for (const [side, call] of [ours, theirs].entries()) {
      for (let i = 0; i < perRound / 10; i += 1) await call();
      for (let i = 0; i < perRound; i += 1) {
        const start = process.hrtime.bigint();
        await call();
        samples[side].push(Number(process.hrtime.bigint() - start) / 1000);
      }
    }
  }
  const median = (values) => {
    values.sort((a, b) => a - b);
    return Number(values[Math.floor(values.length / 2)].toPrecision(4));
  };
  const [library, alternative] = samples.map(median);
  return { name, library, alternative, delta: Number((alternative - library).toPrecision(3)) };
}

/** A claim of ARCHITECTURE.md, what the library does and what the alternative does. */
function claim(text, library, alternative, holds) {
  return { claim: text, library, alternative, holds };
}

// A trap inside an async export happens in wasm-bindgen-futures' task queue, not in the call: it surfaces as
// an uncaught exception (which would end the process) and the call's promise never settles. Both are noted.
let uncaught = [];
process.on('uncaughtException', (error) => uncaught.push(error));
const SETTLE_MS = 2000;

/** What a call did: its value, or what it threw, in a few words. */
async function outcome(call) {
  uncaught = [];
  let timer;
  const unsettled = new Promise((resolve) => {
    timer = setTimeout(resolve, SETTLE_MS, UNSETTLED);
  });
  try {
    const value = await Promise.race([call(), unsettled]);
    if (value === UNSETTLED) {
      const escaped = uncaught.map((e) => (e instanceof WebAssembly.RuntimeError ? `trapped (${e.message})` : String(e)));
      return `never settled within ${SETTLE_MS} ms; uncaught: ${escaped.join('; ') || 'nothing'}`;
    }
    if (value === undefined) return 'accepted';
    if (typeof value === 'object' && value !== null && 'message' in value) {
      const field = value.field === undefined ? 'no field' : `field ${value.field}`;
      return `refused (${field}): ${value.message}`;
    }
    return `resolved ${JSON.stringify(value).slice(0, 80)}`;
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) return `trapped (${error.message})`;
    const name = error?.name ?? typeof error;
    return `threw ${name}${error?.field ? ` (field ${error.field})` : ''}: ${String(error?.message ?? error).slice(0, 120)}`;
  } finally {
    clearTimeout(timer);
  }
}
const UNSETTLED = Symbol('unsettled');

const timings = [];
const checks = [];
const probe = await load();

if (typeof probe.probeValidateOptions === 'function') {
  const valid = (value) => {
    if (value !== undefined) throw new Error(`the bench's options are refused: ${value.message}`);
  };
  for (const [auth, options] of [['token', token], ['AK/SK', aksk]]) {
    timings.push(
      await compare(
        `options of disassociateKeypair (${auth}): validateOptions vs serde-wasm-bindgen + the same checks`,
        () => probe.validateOptions('disassociateKeypair', options),
        () => probe.probeValidateOptions('disassociateKeypair', options),
        valid,
      ),
    );
  }
  const both = async (options) => [
    await outcome(() => probe.validateOptions('disassociateKeypair', options)),
    await outcome(() => probe.probeValidateOptions('disassociateKeypair', options)),
  ];
  let [ours, theirs] = await both({ ...token, authentication: { type: 'password', key: 'pw' } });
  checks.push(
    claim(
      'an unknown key passes silently (here `authentication`, the doc example\'s name for `auth`: the call would go without auth)',
      ours,
      theirs,
      ours.includes("did you mean 'auth'") && theirs === 'accepted',
    ),
  );
  [ours, theirs] = await both({ ...token, serverId: 42 });
  checks.push(
    claim(
      'a value of the wrong type is refused without e.field (the message alone names it, if at all)',
      ours,
      theirs,
      ours.includes('field serverId') && theirs.startsWith('refused (no field)'),
    ),
  );
  [ours, theirs] = await both({ ...token, auth: null });
  checks.push(claim('null is taken as absent', ours, theirs, ours.includes('field auth') && theirs === 'accepted'));
  [ours, theirs] = await both({ ...token, endpoint: undefined, region: 'cn-north-4\uD800' });
  checks.push(
    claim(
      'an unpaired surrogate becomes U+FFFD (so a password would be sent changed; here the region echoed back)',
      ours,
      theirs,
      ours.includes('unpaired surrogate') && theirs.includes('\uFFFD'),
    ),
  );
  [ours, theirs] = await both(
    new Proxy(token, {
      get() {
        throw new Error('a Proxy get trap threw');
      },
    }),
  );
  checks.push(
    claim(
      'an exception from a Proxy or getter escapes as it is (not a KpsValidationError)',
      ours,
      theirs,
      ours.startsWith('refused (field') && theirs.startsWith('threw Error: a Proxy get trap threw'),
    ),
  );
}

const responses = [
  ['probeResponseSerdeJson', 'serde_json'],
  ['probeResponseSerdeWasmBindgen', 'JSON.parse + serde-wasm-bindgen'],
].filter(([name]) => typeof probe[name] === 'function');
for (const [name, how] of responses) {
  for (const [kind, body, expected] of [
    ['disassociate', ANSWER, TASK_ID],
    ['list', LIST, '20'],
  ]) {
    const same = (value) => {
      if (value !== expected) throw new Error(`${name}(${kind}) answered ${value}, expected ${expected}`);
    };
    timings.push(
      await compare(
        `response (${kind === 'list' ? 'a list of 20 tasks' : 'the 202 body'}): JSON.parse + FromJson vs ${how}`,
        () => probe.probeResponseHand(kind, body),
        () => probe[name](kind, body),
        same,
      ),
    );
  }
  const ours = await outcome(() => probe.probeResponseHand('disassociate', '{"task_id":42}'));
  const theirs = await outcome(() => probe[name]('disassociate', '{"task_id":42}'));
  checks.push(
    claim(
      `a member of the wrong type is refused by both, in serde's words with ${how}`,
      ours,
      theirs,
      ours.startsWith('threw') && theirs.startsWith('threw'),
    ),
  );
}

if (typeof probe.probeDisassociateKeypairGlooNet === 'function') {
  for (const [auth, options] of [['token', token], ['AK/SK', aksk]]) {
    timings.push(
      await compare(
        `disassociateKeypair (${auth}), fetch stubbed: host.js vs gloo-net`,
        () => probe.disassociateKeypair(options),
        () => probe.probeDisassociateKeypairGlooNet(options),
        (taskId) => {
          if (taskId !== TASK_ID) throw new Error(`resolved ${taskId}`);
        },
      ),
    );
  }
  const stubbed = async (makeAnswer) => {
    const saved = respond;
    respond = makeAnswer;
    try {
      const ours = await outcome(async () => (await load()).disassociateKeypair(token));
      const fresh = await load();
      const theirs = await outcome(() => fresh.probeDisassociateKeypairGlooNet(token));
      const after = await outcome(() => fresh.validateOptions('disassociateKeypair', token));
      return [ours, theirs, after];
    } finally {
      respond = saved;
    }
  };
  let [ours, theirs, after] = await stubbed(() => Promise.reject('user-cancel'));
  checks.push(
    claim(
      `fetch rejecting with a non-Error (a string) traps the wasm (then the same instance's validateOptions ${after})`,
      ours,
      theirs,
      ours.includes('KpsNetworkError') && theirs.includes('trapped'),
    ),
  );
  [ours, theirs] = await stubbed(() => ({ status: 202, headers: new Headers(), text: async () => ANSWER }));
  checks.push(
    claim(
      'a fetch polyfill resolving with something that is not a Response traps the wasm',
      ours,
      theirs,
      !ours.includes('trapped') && theirs.includes('trapped'),
    ),
  );
  const large = JSON.stringify({ task_id: TASK_ID, padding: 'x'.repeat(2 << 20) });
  [ours, theirs] = await stubbed(() => new Response(large, { status: 202 }));
  checks.push(
    claim(
      'a 2 MiB body is read whole (no size limit without driving the stream reader by hand)',
      ours,
      theirs,
      ours.includes('KpsResponseError') && theirs.includes(TASK_ID),
    ),
  );
}

console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, unit: 'µs per call', timings, checks }));
