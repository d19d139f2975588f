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
 * `ratio`, the per-round ratios of the first client to each of the others.
 */
export async function interleavedRounds(clients, { rounds, concurrency, roundMs, maxCalls, warmupMs }) {
  const names = Object.keys(clients);
  for (const name of names) {
    await timedRound(clients[name], { concurrency, roundMs: warmupMs, maxCalls });
  }
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of names) {
      rates[name].push(await timedRound(clients[name], { concurrency, roundMs, maxCalls }));
    }
  }
  const [first, ...others] = names;
  const ratioTo = (other) => summary(rates[first].map((rate, round) => rate / rates[other][round]));
  return {
    ...Object.fromEntries(names.map((name) => [name, summary(rates[name])])),
    ratio: Object.fromEntries(others.map((other) => [other, ratioTo(other)])),
  };
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
