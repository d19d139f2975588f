// One round of the fleet bench, shared by Node (node-fleet.mjs) and Chromium (browser-fleet.html): the emulator
// is reset, `disassociateKeypairs` unbinds its fleet servers, and the round is judged by what the emulator saw —
// its gateway's counts (/__emulator/stats) and its tasks (/__emulator/state) — beside the library's own report.

import { PROJECT_ID, TOKEN } from './fixture.mjs';

/** The ID of the emulator's fleet server `n` (1-based): `--fleet N` adds `f1ee7000-…-00000000NNNN`. */
export function fleetServerId(n) {
  return `f1ee7000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

async function control(origin, method, path) {
  const response = await fetch(`${origin}/__emulator/${path}`, { method });
  if (!response.ok) throw new Error(`${method} /__emulator/${path}: HTTP ${response.status}`);
  return response.json();
}

/**
 * Unbinds fleet servers 1..`servers` with `concurrency` and `intervalMs`, timed from the call to its report, and
 * returns the round's figures. The emulator must have been started with `--fleet` ≥ `servers` and a rate limit;
 * it is reset first (tasks gone, buckets full, counts zeroed), so every round starts from the same state.
 */
export async function fleetRound(disassociateKeypairs, origin, { servers, concurrency, intervalMs }) {
  await control(origin, 'POST', 'reset');
  const { perSecond, burst } = await control(origin, 'GET', 'rate-limit');
  if (!(perSecond > 0)) throw new Error('the emulator has no rate limit: start it with --rate-limit N');
  const ids = Array.from({ length: servers }, (_, i) => fleetServerId(i + 1));
  // When each server's task was first seen started and seen ended, from the start of the call (ms).
  let lastStarted = 0;
  let lastEnded = 0;
  const start = performance.now();
  const report = await disassociateKeypairs({
    endpoint: origin,
    token: TOKEN,
    projectId: PROJECT_ID,
    servers: ids,
    concurrency,
    intervalMs,
    waitTimeoutMs: 120_000,
    onProgress: (event) => {
      const at = performance.now() - start;
      if (event.outcome === 'started') lastStarted = Math.max(lastStarted, at);
      else lastEnded = Math.max(lastEnded, at);
    },
  });
  const wallMs = performance.now() - start;

  const counts = (await control(origin, 'GET', 'stats')).projects[PROJECT_ID];
  const tasksPerServer = new Map(ids.map((id) => [id, 0]));
  for (const task of (await control(origin, 'GET', 'state')).tasks) {
    if (tasksPerServer.has(task.server_id)) tasksPerServer.set(task.server_id, tasksPerServer.get(task.server_id) + 1);
  }
  const perServer = [...tasksPerServer.values()];
  const calls = counts.allowed + counts.throttled;
  // The floor: the time the gateway needs to let through the requests it let through, at `perSecond` — the
  // burst not subtracted (the "500 POSTs alone: 10 s at 50 req/s"); refused requests take no token.
  const floorMs = (counts.allowed / perSecond) * 1000;
  const operations = Object.fromEntries(
    Object.entries(counts.operations).filter(([, op]) => op.allowed + op.throttled > 0),
  );
  return {
    wall_s: round(wallMs / 1000),
    floor_s: round(floorMs / 1000),
    wall_over_floor: round(wallMs / floorMs),
    allowed: counts.allowed,
    throttled: counts.throttled,
    calls_per_server: round(calls / servers),
    client_requests: report.requests,
    succeeded: report.succeeded,
    failures: report.total - report.succeeded,
    lost: perServer.filter((n) => n === 0).length,
    doubled: perServer.filter((n) => n > 1).length,
    last_unbind_started_s: round(lastStarted / 1000),
    last_task_ended_s: round(lastEnded / 1000),
    rate_limit: { perSecond, burst },
    operations,
  };
}

function round(value) {
  return Number(value.toPrecision(4));
}
