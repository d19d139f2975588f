// The client side of the hostile stage, shared by the Node driver (hostile.mjs) and the Chromium page
// (hostile.html): the seeded generator, what each exchange calls, and the checks its outcome must pass.
// Everything an exchange does derives from (seed, index), so `--seed X --exchange I` replays it.

/**
 * A deterministic random stream named by `parts` (cyrb53's mixing, then sfc32): the same parts give the same
 * stream in Node, in the page and in the server, whatever else runs concurrently.
 */
export function stream(...parts) {
  const text = parts.join('/');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  let a = h1 >>> 0;
  let b = h2 >>> 0;
  let c = (h1 ^ h2) >>> 0;
  let d = 0x9e3779b9;
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    float: next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    /** `table` is [[value, weight], ...]. */
    weighted(table) {
      const total = table.reduce((sum, [, weight]) => sum + weight, 0);
      let left = next() * total;
      for (const [value, weight] of table) {
        left -= weight;
        if (left < 0) return value;
      }
      return table[table.length - 1][0];
    },
    hex: (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join(''),
    alnum: (n) =>
      Array.from({ length: n }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'[int(0, 56)]).join(''),
  };
}

/** A UUID (version 4 shaped) from `r`. */
export function uuid(r) {
  return `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-8${r.hex(3)}-${r.hex(12)}`;
}

/** The exchanges Node runs are the even indices, Chromium's the odd ones: a replay needs only the index. */
export const environmentOf = (index) => (index % 2 === 0 ? 'node' : 'chromium');

/** The operations that make requests, and how often each is drawn. */
const OPERATIONS = [
  ['disassociateKeypair', 24],
  ['disassociateKeypairAndWait', 12],
  ['getKeypairTask', 10],
  ['waitForKeypairTask', 10],
  ['listRunningTasks', 8],
  ['listFailedTasks', 8],
  ['deleteFailedTask', 10],
  ['disassociateKeypairs', 12],
];

/** Every `name` a KpsError of a call may have (KpsLoadError is the loader's, before any call). */
export const ERROR_NAMES = new Set([
  'KpsApiError',
  'KpsResponseError',
  'KpsNetworkError',
  'KpsTimeoutError',
  'KpsAbortError',
  'KpsTaskFailedError',
]);

/**
 * Milliseconds past its bound a call may settle, on top of how late the environment's timers ran meanwhile
 * ([`lagProbe`]): the call's own timers fire late by as much, and a loaded 2-core machine runs them late.
 */
export const SLACK_MS = 1000;

/**
 * Measures how late timers fire: a 50 ms interval notes each tick's lateness. `maxBetween(from, to)` is the
 * worst lateness seen while a call ran (the "measured slack" it is allowed); `max()` that of the whole run.
 */
export function lagProbe(periodMs = 50) {
  const samples = [];
  let expected = performance.now() + periodMs;
  const timer = setInterval(() => {
    const now = performance.now();
    samples.push([now, Math.max(0, now - expected)]);
    expected = now + periodMs;
  }, periodMs);
  timer.unref?.();
  return {
    maxBetween(from, to) {
      let worst = 0;
      for (let i = samples.length - 1; i >= 0 && samples[i][0] >= from; i--) {
        if (samples[i][0] <= to + periodMs) worst = Math.max(worst, samples[i][1]);
      }
      return worst;
    },
    max: () => samples.reduce((worst, [, late]) => Math.max(worst, late), 0),
    stop: () => clearInterval(timer),
  };
}

/** A call still pending this long past its bound is reported as hung (and the run goes on without it). */
const HUNG_MS = 30000;
/** Latest abort of a fleet. */
const FLEET_ABORT_MS = 6000;
/**
 * `timeoutMs` a fleet may still take after its abort (README "Abort"): the unbinds in flight finish (their
 * answers hold task IDs) within one; then, once none is in flight, one reading of the running list and one of
 * the failed list, each within one, look for every unbind whose answer was lost (a reading made with the
 * signal is cut by the abort).
 */
const FLEET_AFTER_ABORT = 3;
const HUNG = Symbol('hung');

/** The endpoint of exchange `index`: its index in the path, its port chosen among the server's. */
export const endpointFor = (ports, index) => `http://127.0.0.1:${ports[index % ports.length]}/h/${index}`;

/**
 * What exchange `index` calls: the operation, its options (without `endpoint`, which the environment gives)
 * and the secrets that must never appear in an error. `bound` is the time it must settle in: `timeoutMs` for a
 * single request, plus `waitTimeoutMs` for the waits; for a fleet, its abort and then a few requests.
 */
export function planExchange(seed, index) {
  const r = stream(seed, index, 'client');
  const operation = r.weighted(OPERATIONS);
  const secrets = {
    token: `HostileToken-${r.alnum(40)}`,
    secretAccessKey: `HostileSK${r.alnum(31)}`,
    securityToken: `HostileST-${r.alnum(60)}`,
    key: '',
  };
  const options = {
    projectId: r.hex(32),
    timeoutMs: r.int(1000, 3000),
    maxAttempts: r.int(1, 4),
  };
  if (r.chance(0.5)) {
    options.token = secrets.token;
  } else {
    options.credentials = { accessKeyId: `HOSTILEAK${r.alnum(11).toUpperCase()}`, secretAccessKey: secrets.secretAccessKey };
    if (r.chance(0.5)) options.credentials.securityToken = secrets.securityToken;
  }
  const auth = () => {
    const kind = r.weighted([['none', 1], ['password', 1], ['keypair', 1]]);
    if (kind === 'none') return undefined;
    secrets.key =
      kind === 'password'
        ? `HostilePw-${r.alnum(20)}`
        : `-----BEGIN RSA PRIVATE KEY-----\nHostileKey${r.alnum(64)}\n-----END RSA PRIVATE KEY-----\n`;
    return { type: kind, key: secrets.key };
  };
  const wait = () => {
    options.intervalMs = r.int(100, 400);
    options.waitTimeoutMs = r.int(300, 2500);
  };
  let bound = options.timeoutMs;
  switch (operation) {
    case 'disassociateKeypair':
      options.serverId = uuid(r);
      if ((options.auth = auth()) === undefined) delete options.auth;
      break;
    case 'disassociateKeypairAndWait':
      options.serverId = uuid(r);
      if ((options.auth = auth()) === undefined) delete options.auth;
      wait();
      bound = options.timeoutMs + options.waitTimeoutMs;
      break;
    case 'getKeypairTask':
      options.taskId = uuid(r);
      break;
    case 'waitForKeypairTask':
      options.taskId = uuid(r);
      wait();
      bound = options.waitTimeoutMs;
      break;
    case 'listRunningTasks':
    case 'listFailedTasks':
      if (r.chance(0.5)) options.limit = r.int(1, 100);
      if (r.chance(0.3)) options.offset = r.int(0, 1000);
      break;
    case 'deleteFailedTask':
      if (r.chance(0.6)) options.taskId = uuid(r);
      break;
    case 'disassociateKeypairs': {
      const count = r.int(1, 4);
      options.servers = Array.from({ length: count }, () => {
        const serverId = uuid(r);
        const serverAuth = r.chance(0.3) ? auth() : undefined;
        return serverAuth ? { serverId, auth: serverAuth } : serverId;
      });
      options.concurrency = r.int(1, 4);
      options.wait = r.chance(0.6);
      if (options.wait) wait();
      break;
    }
  }
  // A signal that aborts part-way now and then: aborts race every kind of answer. A fleet is always
  // aborted in the end, as a user would stop a fleet that a server keeps throttling: its `timeoutMs` bounds
  // each request, not the fleet, and a Retry-After may pause the whole fleet for a minute.
  let abortAfterMs = r.chance(0.1) ? r.int(0, options.timeoutMs) : undefined;
  if (operation === 'disassociateKeypairs') {
    abortAfterMs = r.int(0, FLEET_ABORT_MS);
    bound = abortAfterMs + FLEET_AFTER_ABORT * options.timeoutMs;
  }
  // Observers, half the time: they must not change an outcome, and their log explains a hang.
  const observed = r.chance(0.5);
  return { index, operation, options, secrets, bound, abortAfterMs, observed };
}

/**
 * Runs exchange `plan` with the package `kps` against `endpoint` and returns its verdict: what happened, how
 * long it took, and the problems found (empty when every check passed).
 */
export async function runExchange(kps, plan, endpoint, probe) {
  const options = { ...plan.options, endpoint };
  if (plan.abortAfterMs !== undefined) options.signal = AbortSignal.timeout(Math.max(1, plan.abortAfterMs));
  const started = performance.now();
  const log = [];
  const at = () => Math.round(performance.now() - started);
  if (plan.observed) {
    options.onResponse = (response) => log.push(`${at()} ms ${response.operation} ${response.status} attempt ${response.attempts}`);
    if (plan.operation === 'disassociateKeypairs' || plan.operation.endsWith('Wait') || plan.operation === 'waitForKeypairTask') {
      options.onProgress = (event) => log.push(`${at()} ms progress ${event.outcome ?? ''} ${event.status ?? ''} ${event.error?.code ?? ''}`);
    }
  }
  if (options.signal) options.signal.addEventListener('abort', () => log.push(`${at()} ms aborted`));
  let value;
  let error;
  let rejected = false;
  let watchdog;
  const hung = new Promise((resolve) => {
    watchdog = setTimeout(resolve, plan.bound + HUNG_MS, HUNG);
  });
  try {
    value = await Promise.race([kps[plan.operation](options), hung]);
  } catch (e) {
    rejected = true;
    error = e;
  } finally {
    clearTimeout(watchdog);
  }
  const ms = performance.now() - started;
  const problems = [];
  if (value === HUNG) {
    return { index: plan.index, operation: plan.operation, outcome: 'hung', ms: Math.round(ms), overshootMs: Math.round(ms - plan.bound), problems: [`did not settle in ${Math.round(ms)} ms (what it saw: ${log.join('; ') || 'nothing'})`] };
  }
  const late = Math.round(probe.maxBetween(started, started + ms));
  if (ms > plan.bound + SLACK_MS + late) {
    problems.push(
      `settled after ${Math.round(ms)} ms, past its bound of ${plan.bound} ms (+${SLACK_MS} ms slack, +${late} ms the timers ran late meanwhile)`,
    );
  }
  let outcome;
  if (rejected) {
    outcome = typeof error?.name === 'string' ? error.name : typeof error;
    problems.push(...errorProblems(kps, error, plan.secrets));
  } else {
    outcome = 'resolved';
    if (plan.operation === 'disassociateKeypairs') {
      for (const result of value?.results ?? []) {
        if (result.error !== undefined) problems.push(...leaks(result.error, plan.secrets, 'a fleet result error'));
      }
      if (!Array.isArray(value?.results)) problems.push('the fleet report has no results');
    }
  }
  return {
    index: plan.index,
    operation: plan.operation,
    outcome,
    ms: Math.round(ms),
    overshootMs: Math.round(ms - plan.bound - late),
    problems,
  };
}

/** What is wrong with a rejection: not a KpsError, an unknown name, a trap, or a secret in any of its forms. */
function errorProblems(kps, error, secrets) {
  const problems = [];
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) {
    problems.push(`a wasm trap: ${String(error?.message)}`);
  }
  if (!kps.isKpsError(error)) {
    problems.push(`rejected with something that is not a KpsError: ${describe(error)}`);
    return problems;
  }
  if (!ERROR_NAMES.has(error.name)) problems.push(`a KpsError with an unexpected name: ${error.name} (${error.message})`);
  if (/unreachable|RuntimeError/.test(String(error.message))) problems.push(`a trap's message: ${error.message}`);
  problems.push(...leaks(error, secrets, 'the error'));
  return problems;
}

/**
 * The secrets found in `error`: in its own properties (enumerable or not, its `cause` and nested values
 * too), its JSON and its `String()`.
 */
function leaks(error, secrets, what) {
  const texts = [];
  const seen = new Set();
  const walk = (value, depth) => {
    if (typeof value === 'string') return texts.push(value);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || depth > 6 || seen.has(value)) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      let child;
      try {
        child = value[key];
      } catch {
        continue;
      }
      walk(child, depth + 1);
    }
  };
  walk(error, 0);
  try {
    texts.push(JSON.stringify(error));
  } catch (e) {
    texts.push(`JSON.stringify threw ${String(e)}`);
  }
  try {
    texts.push(String(error));
  } catch (e) {
    texts.push(`String() threw ${e?.name}`);
  }
  const problems = [];
  // A secret cut short (a body that ends inside an echo of it) is masked from its 8th byte on.
  for (const [name, secret] of Object.entries(secrets)) {
    const text = secret && texts.find((text) => text.includes(secret.slice(0, 8)));
    if (!text) continue;
    // Where: the 60 characters before it, and how much of the secret follows (never the secret itself).
    const at = text.indexOf(secret.slice(0, 8));
    let shown = 8;
    while (shown < secret.length && text[at + shown] === secret[shown]) shown++;
    problems.push(`${what} carries the ${name}, or its beginning (${shown} bytes of it, after ${JSON.stringify(text.slice(Math.max(0, at - 60), at))})`);
  }
  return problems;
}

/** A thrown value in one line, whatever it is (a getter that throws included). */
export function describe(value) {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    return `${typeof value} ${String(value)}`;
  } catch {
    return typeof value;
  }
}

/**
 * Runs `indices` with at most `concurrency` in flight; `endpointOf(index)` gives each its endpoint, `probe`
 * ([`lagProbe`]) how late timers ran. Resolves
 * with the verdicts in the order they settled.
 */
export async function runExchanges(kps, seed, indices, concurrency, endpointOf, probe) {
  const verdicts = [];
  let next = 0;
  const worker = async () => {
    while (next < indices.length) {
      const index = indices[next++];
      const plan = planExchange(seed, index);
      try {
        verdicts.push(await runExchange(kps, plan, endpointOf(index), probe));
      } catch (e) {
        verdicts.push({ index, operation: plan.operation, outcome: 'driver', ms: 0, overshootMs: 0, problems: [`the driver failed: ${describe(e)}`] });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return verdicts;
}
