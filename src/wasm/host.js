// What kps-wasm needs from the runtime it runs in (browser, worker or Node): one HTTP exchange over the global
// `fetch`, bounded in time and size and cancellable, and an abortable sleep between task polls.
//
// Written in JavaScript because this is all JS objects and callbacks: the Rust side crosses into it once per
// request and once back, where driving fetch, the AbortController, the timer, the listener and the body
// reader from Rust took a dozen crossings and two closures per call (about 100 µs per call in Node,
// measured by `cargo xtask bench`). Decisions stay in Rust: this file only reports what happened.

// Exchange.failure: what stopped the exchange before a whole response was read (0: nothing did).
const TIMED_OUT = 1;
const ABORTED = 2;
const NO_RESPONSE = 3;
const BODY_CUT = 4;

/** The outcome of one exchange, read by the Rust side through its getters. */
class Exchange {
  constructor(failure, detail) {
    this.failure = failure;
    this.detail = detail;
    this.status = 0;
    this.requestId = undefined;
    this.retryAfter = undefined;
    this.body = undefined;
    this.tooLarge = false;
  }
}

/**
 * Sends one request with `fetch` and reads its whole body, at most `maxBytes` of it. Never rejects: the
 * result says what happened. `headerLines` is `name\nvalue\nname\nvalue…` (validation has excluded line
 * breaks from every value). `timeoutMs` bounds the whole exchange, headers and body; `signal` (or
 * `undefined`) cancels it. fetch gets our own controller's signal, aborted with our own Error, so that
 * whatever the caller aborts its signal with never reaches fetch or the error.
 */
export async function exchange(url, method, headerLines, body, timeoutMs, signal, maxBytes) {
  if (signal !== undefined && signal.aborted) return new Exchange(ABORTED);
  const headers = {};
  const lines = headerLines.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) headers[lines[i]] = lines[i + 1];
  const controller = new AbortController();
  let stopped = 0;
  const stop = (why) => {
    if (stopped !== 0) return;
    stopped = why;
    controller.abort(new Error(why === TIMED_OUT ? 'kps-wasm: timed out' : 'kps-wasm: aborted'));
  };
  const timer = setTimeout(stop, timeoutMs, TIMED_OUT);
  const onAbort = () => stop(ABORTED);
  if (signal !== undefined) signal.addEventListener('abort', onAbort);
  try {
    const init = { method, headers, signal: controller.signal };
    if (body !== undefined) init.body = body;
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      return new Exchange(stopped || NO_RESPONSE, describe(error));
    }
    const result = new Exchange(0);
    result.status = response.status;
    result.requestId = response.headers.get('x-request-id') ?? undefined;
    result.retryAfter = response.headers.get('retry-after') ?? undefined;
    try {
      await readBody(response, maxBytes, result);
    } catch {
      return new Exchange(stopped || BODY_CUT);
    }
    return result;
  } finally {
    clearTimeout(timer);
    if (signal !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Reads the body into `result`: in one piece when its declared length is within the limit, else as a stream. */
async function readBody(response, maxBytes, result) {
  if (response.body === null) return;
  const declared = response.headers.get('content-length');
  const length = declared !== null && /^\s*\d+\s*$/.test(declared) ? Number(declared) : -1;
  if (length > maxBytes) {
    result.tooLarge = true;
    // The rejection of a cancel is of no interest, but must be handled (Node warns otherwise).
    response.body.cancel().catch(() => {});
    return;
  }
  if (length >= 0) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) result.tooLarge = true;
    else result.body = bytes;
    return;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) continue;
    total += value.length;
    if (total > maxBytes) {
      result.tooLarge = true;
      reader.cancel().catch(() => {});
      return;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  result.body = bytes;
}

/** `name: message` of a thrown Error, or a description of whatever else was thrown. */
function describe(error) {
  try {
    if (error !== null && typeof error === 'object') {
      const { name, message } = error;
      if (typeof message === 'string') return typeof name === 'string' ? `${name}: ${message}` : message;
    }
  } catch {
    // A getter that throws: describe it as unknown.
  }
  return typeof error === 'string' ? error : 'an unknown error';
}

/** Resolves `true` after `ms` milliseconds, or `false` as soon as `signal` (or `undefined`) aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal !== undefined && signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      if (signal !== undefined) signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true });
  });
}
