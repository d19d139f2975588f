// The fleet bench in Node: `disassociateKeypairs` unbinds the emulator's fleet servers under its gateway rate
// limit, round after round (fleet-round.mjs says what a round measures). The emulator must run with
// `--rate-limit 50 --fleet 500 --task-ready-ms 500 --task-running-ms 1500` (or the like). Prints one JSON object
// on stdout; progress goes to stderr.
//
//   node bench/node-fleet.mjs http://127.0.0.1:PORT [--rounds 3] [--servers 500] [--concurrency 8] [--interval-ms 1000]
import { disassociateKeypairs } from 'kps-wasm';
import { numberFlags } from './flags.mjs';
import { fleetRound } from './fleet-round.mjs';

const [origin, ...rest] = process.argv.slice(2);
if (!origin?.startsWith('http://127.0.0.1:')) throw new Error('usage: node-fleet.mjs http://127.0.0.1:PORT [flags]');
const flags = numberFlags(rest, { rounds: 3, servers: 500, concurrency: 8, intervalMs: 1000 });

const rounds = [];
for (let i = 1; i <= flags.rounds; i += 1) {
  const figures = await fleetRound(disassociateKeypairs, origin, flags);
  process.stderr.write(`   node fleet round ${i}/${flags.rounds}: ${JSON.stringify(figures)}\n`);
  rounds.push(figures);
}
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, rounds }));
