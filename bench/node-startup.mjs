// Start-up in Node: wall time of a whole `node` process that imports kps-wasm and makes its first call
// (resolved against the emulator), next to a bare `node` start and the same first call by hand with fetch.
// The cases take turns within each run, so that they share the machine's load. Prints one JSON object.
//
//   node bench/node-startup.mjs http://127.0.0.1:PORT [--runs 15]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { numberFlags } from './flags.mjs';
import { summary } from './rounds.mjs';

const [endpoint, ...rest] = process.argv.slice(2);
if (!endpoint?.startsWith('http://127.0.0.1:')) throw new Error('usage: node-startup.mjs http://127.0.0.1:PORT [flags]');
const flags = numberFlags(rest, { runs: 15 });
// The repository root: `import 'kps-wasm'` resolves there through node_modules/kps-wasm → pkg/.
const root = fileURLToPath(new URL('..', import.meta.url));

const firstCall = (call) => `
  import { callOptions } from './bench/fixture.mjs';
  const taskId = await ${call}(callOptions(process.env.KPS_BENCH_URL, 'token'));
  if (typeof taskId !== 'string' || taskId.length === 0) throw new Error('no task ID');`;
const cases = {
  'bare node': '',
  'import kps-wasm': `import 'kps-wasm';`,
  'import kps-wasm + first call': `import { disassociateKeypair } from 'kps-wasm';${firstCall('disassociateKeypair')}`,
  'raw fetch first call': `import { rawDisassociateKeypair } from './bench/raw-fetch.mjs';${firstCall('rawDisassociateKeypair')}`,
};

const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let run = 0; run < flags.runs + 1; run += 1) {
  for (const [name, code] of Object.entries(cases)) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: root,
      env: { ...process.env, KPS_BENCH_URL: endpoint },
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) throw new Error(`${name}: node exited with ${child.status}: ${child.stderr}`);
    // The first run warms the file cache and is not recorded.
    if (run > 0) times[name].push(ms);
  }
}
const results = Object.entries(times).map(([name, values]) => ({ name, ms: summary(values) }));
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, unit: 'ms per process', cases: results }));
