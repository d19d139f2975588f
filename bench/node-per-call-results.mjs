// Per-call cost in Node of the calls that resolve with an object, with the network stubbed as in
// node-per-call.mjs: getKeypairTask (a KeypairTask) and listFailedTasks (a TaskList of 1 and of 20 entries
// with their optional error members). It prices building those JS objects from Rust results, the part that
// ToJs or serde-wasm-bindgen does; each call is timed on its own; prints one JSON object.
//
//   node bench/node-per-call-results.mjs [--calls 20000] [--warmup 2000]
import { getKeypairTask, listFailedTasks } from 'kps-wasm';
import { PROJECT_ID, SERVER_ID, TOKEN } from './fixture.mjs';
import { numberFlags } from './flags.mjs';

const flags = numberFlags(process.argv.slice(2), { calls: 20000, warmup: 2000 });
// Never contacted: the stub answers every request.
const ENDPOINT = 'http://127.0.0.1:9';
const TASK_ID = 'c3a1f1de-0a4b-4c7e-9d2f-be7c00000001';

const failedEntry = (i) => ({
  task_id: `${TASK_ID.slice(0, -2)}${String(i).padStart(2, '0')}`,
  operate_type: 'UNBIND',
  task_time: '1795860900000',
  server_name: `ecs-${i}`,
  server_id: SERVER_ID,
  keypair_name: 'KeyPair-demo',
  task_error_code: 'KPS.6004',
  task_error_msg: 'no keypair found',
});
const answers = {
  task: JSON.stringify({ task_id: TASK_ID, server_id: SERVER_ID, task_status: 'RUNNING_UNBIND' }),
  one: JSON.stringify({ total: 1, tasks: [failedEntry(0)] }),
  twenty: JSON.stringify({ total: 20, tasks: Array.from({ length: 20 }, (_, i) => failedEntry(i)) }),
};
let answer = answers.task;
let stubbedFetches = 0;
globalThis.fetch = async () => {
  stubbedFetches += 1;
  return new Response(answer, {
    status: 200,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(answer)),
      'X-Request-Id': '0123456789abcdef0123456789abcdef',
    },
  });
};

const client = { endpoint: ENDPOINT, token: TOKEN, projectId: PROJECT_ID };
const cases = [
  ['getKeypairTask', answers.task, () => getKeypairTask({ ...client, taskId: TASK_ID }), (r) => r.status === 'RUNNING_UNBIND'],
  ['listFailedTasks, 1 task', answers.one, () => listFailedTasks(client), (r) => r.tasks[0].taskErrorCode === 'KPS.6004'],
  ['listFailedTasks, 20 tasks', answers.twenty, () => listFailedTasks(client), (r) => r.tasks.length === 20],
];

const results = [];
for (const [name, body, call, check] of cases) {
  answer = body;
  const before = stubbedFetches;
  for (let i = 0; i < flags.warmup; i += 1) await call();
  const micros = new Float64Array(flags.calls);
  for (let i = 0; i < flags.calls; i += 1) {
    const start = process.hrtime.bigint();
    const result = await call();
    micros[i] = Number(process.hrtime.bigint() - start) / 1000;
    if (!check(result)) throw new Error(`${name}: resolved with ${JSON.stringify(result)}`);
  }
  if (stubbedFetches - before !== flags.warmup + flags.calls) {
    throw new Error(`${name}: ${stubbedFetches - before} stubbed fetches for ${flags.warmup + flags.calls} calls`);
  }
  micros.sort();
  const at = (q) => Number(micros[Math.min(micros.length - 1, Math.floor(q * micros.length))].toPrecision(4));
  results.push({ name, median: at(0.5), p10: at(0.1), p90: at(0.9) });
}
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, unit: 'µs per call', cases: results }));
