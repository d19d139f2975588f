// The hostile stage of `cargo xtask fuzz` (xtask/src/fuzz/hostile.rs runs it): the package, in Node and in
// Chromium at the same time, against a server that answers from a seeded generator (hostile-server.mjs, in a
// worker thread), then one normal call against the normal emulator (KPS_EMULATOR_URL) in each.
//
//   node tests/reliability/hostile.mjs --seed HEX [--exchanges N | --exchange I] [--figures FILE]
//
// Exchange i runs in Node when i is even, in Chromium when odd; everything it does derives from (seed, i).
// Every call must settle within its bound (hostile-client.mjs), reject only with a KpsError of a known name and
// without a secret, with no unhandled rejection and no trap. Exits 1 with `seed X exchange i` for each failure.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as kps from 'kps-wasm';
import { SLACK_MS, describe, endpointFor, environmentOf, lagProbe, runExchanges } from './hostile-client.mjs';
import { launchChromium, recordPageProblems } from '../js/chromium.mjs';
import { serveStatic } from '../js/static-server.mjs';
import { PKG, REPO } from '../js/package-paths.mjs';
import { BENCH_SERVER, EMULATOR, PROJECT, TOKEN } from '../js/emulator.mjs';

/** Ports of the hostile server: Chromium opens 6 connections per origin, so in-flight calls spread over them. */
const PORTS = 16;
/** Calls in flight in each environment. */
const IN_FLIGHT = { node: 48, chromium: 40 };
/** Exchanges per page.evaluate: progress shows, and a page that dies loses one batch's report only. */
const BATCH = 400;

const args = parseArgs(process.argv.slice(2));
const seed = args.seed;
const replay = `cargo xtask fuzz --stage hostile --seed ${seed}`;
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(`unhandled rejection: ${describe(reason)}`));

const indices = args.exchange !== undefined ? [args.exchange] : Array.from({ length: args.exchanges }, (_, i) => i);
const byEnvironment = {
  node: indices.filter((i) => environmentOf(i) === 'node'),
  chromium: indices.filter((i) => environmentOf(i) === 'chromium'),
};

const server = new Worker(new URL('./hostile-server.mjs', import.meta.url), {
  // A replay of one exchange prints what the server did for each of its requests.
  workerData: { hostile: { seed, portCount: PORTS, trace: args.exchange !== undefined } },
});
const [{ ports }] = await once(server, 'message');
const started = performance.now();
let done = 0;
const progress = (count) => {
  const before = Math.floor(done / 1000);
  done += count;
  if (Math.floor(done / 1000) > before) console.log(`hostile: ${done} of ${indices.length} exchanges settled`);
};

const [node, chromium] = await Promise.all([runInNode(), runInChromium()]);
const seconds = (performance.now() - started) / 1000;
server.postMessage('stats');
const [{ stats }] = await once(server, 'message');
server.postMessage('close');
await once(server, 'message');
await server.terminate();

const failures = [];
for (const [environment, result] of [['node', node], ['chromium', chromium]]) {
  for (const verdict of result.verdicts) {
    for (const problem of verdict.problems) {
      failures.push(`seed ${seed} exchange ${verdict.index} (${environment}, ${verdict.operation}): ${problem}`);
    }
  }
  for (const problem of result.unhandled) failures.push(`seed ${seed} (${environment}): ${problem}`);
  if (result.normalAfter !== 'ok') failures.push(`seed ${seed} (${environment}): the normal call after the run failed: ${result.normalAfter}`);
}
for (const problem of unhandled) failures.push(`seed ${seed} (node): ${problem}`);

const report = summarise();
console.log(JSON.stringify(report, null, 2));
if (args.figures) writeFileSync(args.figures, figures(report).map((row) => row.join('\t')).join('\n') + '\n');
if (failures.length > 0) {
  for (const failure of failures.slice(0, 50)) console.error(failure);
  if (failures.length > 50) console.error(`... and ${failures.length - 50} more`);
  console.error(`replay: ${replay} (one exchange: --exchange I)`);
  process.exit(1);
}

async function runInNode() {
  const verdicts = [];
  const probe = lagProbe();
  for (let at = 0; at < byEnvironment.node.length; at += BATCH) {
    const batch = byEnvironment.node.slice(at, at + BATCH);
    verdicts.push(...(await runExchanges(kps, seed, batch, IN_FLIGHT.node, (i) => endpointFor(ports, i), probe)));
    progress(batch.length);
  }
  const lateMs = Math.round(probe.max());
  probe.stop();
  let normalAfter = 'ok';
  try {
    await kps.disassociateKeypair(normalOptions());
  } catch (error) {
    normalAfter = describe(error);
  }
  return { verdicts, unhandled: [], normalAfter, lateMs };
}

async function runInChromium() {
  if (byEnvironment.chromium.length === 0) return { verdicts: [], unhandled: [], normalAfter: 'ok', lateMs: 0 };
  const pages = await serveStatic({ '/pkg/': PKG, '/reliability/': join(REPO, 'tests/reliability') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    await page.goto(`${pages.url}/reliability/hostile.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'yes', null, { timeout: 30000 });
    const verdicts = [];
    for (let at = 0; at < byEnvironment.chromium.length; at += BATCH) {
      const batch = byEnvironment.chromium.slice(at, at + BATCH);
      verdicts.push(
        ...(await page.evaluate(
          ([seed, batch, ports, inFlight]) => window.hostile.run(seed, batch, ports, inFlight),
          [seed, batch, ports, IN_FLIGHT.chromium],
        )),
      );
      progress(batch.length);
    }
    const after = await page.evaluate((options) => window.hostile.normal(options), normalOptions());
    const pageUnhandled = await page.evaluate(() => window.hostile.unhandled);
    const lateMs = await page.evaluate(() => Math.round(window.hostile.probe.max()));
    // Console errors are the browser's own CORS and network reports, expected here; uncaught errors are not.
    const uncaught = problems.filter((problem) => problem.startsWith('pageerror'));
    return {
      verdicts,
      unhandled: [...pageUnhandled, ...uncaught],
      normalAfter: after.taskId ? 'ok' : after.error,
      lateMs,
    };
  } finally {
    await browser.close();
    await pages.close();
  }
}

function normalOptions() {
  return { endpoint: EMULATOR, token: TOKEN, projectId: PROJECT, serverId: BENCH_SERVER, timeoutMs: 10000 };
}

/** The figures: counts per environment, outcome and operation, settle times, what the server did. */
function summarise() {
  const tally = (verdicts, key) => {
    const counts = {};
    for (const verdict of verdicts) counts[verdict[key]] = (counts[verdict[key]] ?? 0) + 1;
    return counts;
  };
  const all = [...node.verdicts, ...chromium.verdicts];
  const fleets = all.filter((verdict) => verdict.operation === 'disassociateKeypairs');
  return {
    seed,
    seconds: Math.round(seconds * 10) / 10,
    exchanges: { node: node.verdicts.length, chromium: chromium.verdicts.length },
    failed: failures.length,
    failures: failures.slice(0, 50),
    withinBound: all.filter((verdict) => verdict.problems.every((p) => !/^settled after|^did not settle/.test(p))).length,
    worstOvershootMs: {
      node: Math.max(-Infinity, ...node.verdicts.map((v) => v.overshootMs)),
      chromium: Math.max(-Infinity, ...chromium.verdicts.map((v) => v.overshootMs)),
    },
    timersLateMs: { node: node.lateMs, chromium: chromium.lateMs },
    slowestFleetMs: Math.max(0, ...fleets.map((verdict) => verdict.ms)),
    slowest: [...all]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((verdict) => `exchange ${verdict.index} ${verdict.operation} ${verdict.outcome} ${verdict.ms} ms`),
    unhandledRejections: node.unhandled.length + chromium.unhandled.length + unhandled.length,
    normalCallAfter: { node: node.normalAfter, chromium: chromium.normalAfter },
    outcomes: tally(all, 'outcome'),
    operations: tally(all, 'operation'),
    server: stats,
  };
}

/** The stage's figures, as (what, figure) rows for `cargo xtask fuzz` to print and README to show. */
function figures(report) {
  const count = (n) => n.toLocaleString('en-US');
  const { node: inNode, chromium: inChromium } = report.exchanges;
  const total = inNode + inChromium;
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const past = (ms) => (ms > 0 ? `${seconds(ms)} past its bound` : 'on time');
  const tally = (counts) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${count(n)}`)
      .join(', ');
  const secretLeaks = failures.filter((failure) => / carries the /.test(failure)).length;
  const notKps = failures.filter((failure) => /not a KpsError|unexpected name|trap/.test(failure)).length;
  return [
    ['exchanges', `${count(total)} (Node ${count(inNode)}, Chromium ${count(inChromium)}) in ${report.seconds} s, seed ${report.seed}`],
    [
      'settled within their bound',
      `${count(report.withinBound)} of ${count(total)} (latest, beyond the timers' lateness: ${past(report.worstOvershootMs.node)} in Node, ` +
        `${past(report.worstOvershootMs.chromium)} in Chromium; slack ${seconds(SLACK_MS)})`,
    ],
    ['timers ran late by (worst)', `${seconds(report.timersLateMs.node)} in Node, ${seconds(report.timersLateMs.chromium)} in Chromium`],
    ['outcomes', tally(report.outcomes)],
    ['operations', tally(report.operations)],
    ['rejections that are not a KpsError of a known name, or a trap', count(notKps)],
    ['errors carrying a secret of their call', count(secretLeaks)],
    ['unhandled rejections', count(report.unhandledRejections)],
    ['normal call after the run', report.normalCallAfter.node === 'ok' && report.normalCallAfter.chromium === 'ok' ? 'succeeded in Node and Chromium' : `Node: ${report.normalCallAfter.node}; Chromium: ${report.normalCallAfter.chromium}`],
    ['server answers', `${count(report.server.requests)} requests and ${count(report.server.preflights)} preflights: ${tally(report.server.behaviours)}`],
  ];
}

function parseArgs(argv) {
  const parsed = { seed: undefined, exchanges: 300, exchange: undefined, figures: undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seed') parsed.seed = value;
    else if (flag === '--exchanges') parsed.exchanges = Number(value);
    else if (flag === '--exchange') parsed.exchange = Number(value);
    else if (flag === '--figures') parsed.figures = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!parsed.seed) throw new Error('--seed HEX is required');
  return parsed;
}
