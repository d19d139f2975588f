// Timed rounds of calls and their statistics, shared by the Node and the browser throughput benches.

/**
 * Runs `call` with `concurrency` calls in flight until `roundMs` have passed or `maxCalls` have started,
 * whichever comes first, and returns completed calls per second (calls still in flight at the deadline are
 * awaited and counted, and so is the time they take). Any rejected call rejects the round.
 */
export async function timedRound(call, { concurrency, roundMs, maxCalls }) {
  let started = 0;
  let completed = 0;
  const start = performance.now();
  const deadline = start + roundMs;
  const worker = async () => {
    while (started < maxCalls && performance.now() < deadline) {
      started += 1;
      const taskId = await call();
      if (typeof taskId !== 'string' || taskId.length === 0) {
        throw new Error(`a call resolved with ${JSON.stringify(taskId)} instead of a task ID`);
      }
      completed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return completed / ((performance.now() - start) / 1000);
}

/**
 * Interleaves the clients: one unrecorded warm-up round each, then `rounds` rounds of each in turn
 * (A, B, C, A, B, C, …), so that all see the same machine load. Returns each client's rates and, under
 * `ratio`, the per-round ratios of the first client to each of the others. With `cpuClock` (a function
 * returning CPU time in µs), also each client's CPU time per completed call, under `cpu_us_per_call`.
 */
export async function interleavedRounds(clients, { rounds, concurrency, roundMs, maxCalls, warmupMs }, cpuClock) {
  const names = Object.keys(clients);
  for (const name of names) {
    await timedRound(clients[name], { concurrency, roundMs: warmupMs, maxCalls });
  }
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  const cpu = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of names) {
      let calls = 0;
      const call = cpuClock === undefined ? clients[name] : () => ((calls += 1), clients[name]());
      const before = cpuClock?.();
      rates[name].push(await timedRound(call, { concurrency, roundMs, maxCalls }));
      if (cpuClock !== undefined) cpu[name].push((cpuClock() - before) / calls);
    }
  }
  const [first, ...others] = names;
  const ratioTo = (other) => summary(rates[first].map((rate, round) => rate / rates[other][round]));
  const result = {
    ...Object.fromEntries(names.map((name) => [name, summary(rates[name])])),
    ratio: Object.fromEntries(others.map((other) => [other, ratioTo(other)])),
  };
  if (cpuClock !== undefined) {
    result.cpu_us_per_call = Object.fromEntries(names.map((name) => [name, summary(cpu[name])]));
  }
  return result;
}

/** Median, min, max and every value, rounded for reading. */
export function summary(values) {
  if (values.length === 0) throw new Error('no values to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const round = (value) => Number(value.toPrecision(4));
  return {
    median: round(median),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
    values: values.map(round),
  };
}
