// The report of `cargo xtask alternatives`: reads the builds' sizes (builds.json, written by the xtask), runs
// measure.mjs on each build in a fresh Node process, prints Markdown tables and writes results.json beside
// builds.json.
//
//   node bench/alternatives/report.mjs <target/alternatives> [--calls 10000] [--rounds 5]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [outArg, ...flags] = process.argv.slice(2);
if (outArg === undefined) throw new Error('usage: node bench/alternatives/report.mjs <target/alternatives> [flags]');
const out = resolve(outArg);
const measureScript = fileURLToPath(new URL('./measure.mjs', import.meta.url));
const builds = JSON.parse(readFileSync(join(out, 'builds.json'), 'utf8'));
const library = builds.find((build) => build.features === '');
if (library === undefined) throw new Error('builds.json has no build of the library alone');

for (const build of builds) {
  if (build === library) continue;
  process.stderr.write(`..  measuring ${build.dir}\n`);
  const stdout = execFileSync(process.execPath, [measureScript, join(out, build.dir), ...flags], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  build.measured = JSON.parse(stdout.trim().split('\n').at(-1));
}

const signed = (n, digits = 1) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(digits)}`;
const lines = [];
lines.push(`kps-wasm alternatives, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}`);
lines.push('', '**Size** (each build is the library as shipped plus one alternative; wasm after wasm-opt -Oz)', '');
lines.push('| build | wasm raw (B) | gzip -9 -n (B) | Δ raw (KB) | Δ gzip (KB) |', '| --- | ---: | ---: | ---: | ---: |');
for (const build of builds) {
  const delta = build === library ? ['', ''] : [signed((build.raw - library.raw) / 1000), signed((build.gzip - library.gzip) / 1000)];
  lines.push(`| ${build.name} | ${build.raw} | ${build.gzip} | ${delta[0]} | ${delta[1]} |`);
}
lines.push('', `**Per call in Node** (µs, median of calls timed one by one, the two ways in alternating rounds)`, '');
lines.push('| what | library | alternative | Δ |', '| --- | ---: | ---: | ---: |');
const seen = new Set();
for (const build of builds) {
  for (const timing of build.measured?.timings ?? []) {
    if (seen.has(timing.name)) continue;
    seen.add(timing.name);
    lines.push(`| ${timing.name} | ${timing.library} | ${timing.alternative} | ${signed(timing.delta)} |`);
  }
}
lines.push('', '**Behaviour** (observed in this run)', '');
lines.push('| claim | the library | the alternative | holds |', '| --- | --- | --- | --- |');
const cell = (text) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const claimed = new Set();
for (const build of builds) {
  for (const check of build.measured?.checks ?? []) {
    if (claimed.has(check.claim)) continue;
    claimed.add(check.claim);
    lines.push(`| ${cell(check.claim)} | ${cell(check.library)} | ${cell(check.alternative)} | ${check.holds ? 'yes' : '**no**'} |`);
  }
}
const failing = builds.flatMap((build) => build.measured?.checks ?? []).filter((check) => !check.holds);
if (failing.length > 0) {
  lines.push('', `${failing.length} claim(s) no longer hold: update ARCHITECTURE.md's design decisions.`);
}
const text = lines.join('\n');
console.log(`\n${text}`);
writeFileSync(join(out, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), builds }, null, 2)}\n`);
writeFileSync(join(out, 'results.md'), `${text}\n`);
console.log(`\nwritten: ${join(outArg, 'results.json')} and ${join(outArg, 'results.md')}`);
