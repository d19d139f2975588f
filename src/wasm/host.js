// What kps-wasm needs from the runtime it runs in (browser, worker or Node): one HTTP exchange over the global
// `fetch`, bounded in time and size and cancellable, and an abortable sleep between task polls.
//
// Written in JavaScript because this is all JS objects and callbacks: the Rust side makes one call per request
// and reads the outcome's fields, where driving fetch, the AbortController, the timer, the listener and the
// body reader from Rust took a dozen crossings and two closures per call (about 100 µs per call in Node,
// measured by `cargo xtask bench`). Decisions stay in Rust: this file only reports what happened.

// Exchange.failure: what stopped the exchange before a whole response was read (0: nothing did). The Rust
// side (transport.rs) reads the same numbers.
const TIMED_OUT = 1;
const ABORTED = 2;
const NO_RESPONSE = 3;
const BODY_CUT = 4;
const REDIRECTED = 5;
const SIGNAL_UNUSABLE = 6;

// The statuses that send a client elsewhere (not 300, 304 or 305, which are not redirects to follow).
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The outcome of one exchange, read by the Rust side through its getters. */
class Exchange {
  constructor(failure, detail) {
    this.failure = failure;
    this.detail = detail;
    // NO_RESPONSE: what fetch threw (the KpsError's `cause`), its cause's `code` (Node: ECONNREFUSED…), and
    // whether the URL is of another origin than the page's (undefined where there is no page).
    this.error = undefined;
    this.code = undefined;
    this.crossOrigin = undefined;
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
 * whatever the caller aborts its signal with never reaches fetch or the error. Redirects are not followed:
 * they would carry the credentials to another URL.
 */
export async function exchange(url, method, headerLines, body, timeoutMs, signal, maxBytes) {
  let stopped = 0;
  let timer;
  let unwatch;
  try {
    if (signal !== undefined) {
      try {
        if (signal.aborted) return new Exchange(ABORTED);
      } catch (error) {
        return new Exchange(SIGNAL_UNUSABLE, describe(error));
      }
    }
    const headers = {};
    const lines = headerLines.split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) headers[lines[i]] = lines[i + 1];
    const controller = new AbortController();
    // Rejects when the exchange is stopped; fetch and the body read are raced against it. Node 20's fetch
    // (undici) never settles a body read whose gzip fails to decode once the headers came in an earlier
    // packet, aborted or not (hostile seed 2 exchange 286; tests/js/hostile-regressions.test.mjs).
    let interrupt;
    const interrupted = new Promise((_, reject) => {
      interrupt = reject;
    });
    interrupted.catch(() => {});
    const stop = (why) => {
      if (stopped !== 0) return;
      stopped = why;
      const reason = new Error(why === TIMED_OUT ? 'kps-wasm: timed out' : 'kps-wasm: aborted');
      controller.abort(reason);
      interrupt(reason);
    };
    timer = setTimeout(stop, timeoutMs, TIMED_OUT);
    if (signal !== undefined) {
      try {
        unwatch = watch(signal, () => stop(ABORTED));
      } catch (error) {
        return new Exchange(SIGNAL_UNUSABLE, describe(error));
      }
    }
    const init = { method, headers, signal: controller.signal, redirect: 'manual' };
    if (body !== undefined) init.body = body;
    let response;
    try {
      response = await Promise.race([fetch(url, init), interrupted]);
    } catch (error) {
      return stopped ? new Exchange(stopped) : noResponse(url, error);
    }
    const result = new Exchange(0);
    result.status = response.status;
    result.requestId = response.headers.get('x-request-id') ?? undefined;
    if (response.type === 'opaqueredirect' || REDIRECT_STATUSES.has(response.status)) {
      result.failure = REDIRECTED;
      discard(response);
      return result;
    }
    result.retryAfter = response.headers.get('retry-after') ?? undefined;
    try {
      await Promise.race([readBody(response, maxBytes, result), interrupted]);
    } catch {
      // Keep the status and request ID: a response did arrive.
      result.failure = stopped || BODY_CUT;
    }
    return result;
  } catch (error) {
    return stopped ? new Exchange(stopped) : noResponse(url, error);
  } finally {
    clearTimeout(timer);
    if (unwatch !== undefined) unwatch();
  }
}

/**
 * Reads the body into `result`: in one piece when its length is declared, within the limit and not compressed
 * (a compressed length says nothing of the decoded size), else as a stream counted as it is decoded.
 */
async function readBody(response, maxBytes, result) {
  if (response.body === null) return;
  const declared = response.headers.get('content-length');
  const encoding = response.headers.get('content-encoding');
  // A cross-origin response hides Content-Encoding unless the server exposes it: then it is unknown.
  const plain = response.type !== 'cors' && (encoding === null || encoding.trim().toLowerCase() === 'identity');
  const length = declared !== null && /^\s*\d+\s*$/.test(declared) ? Number(declared) : -1;
  if (length > maxBytes) {
    result.tooLarge = true;
    discard(response);
    return;
  }
  // A fetch polyfill may give a body that is not a web stream (node-fetch 2: a Node stream): read it whole.
  const streamable = typeof response.body?.getReader === 'function';
  if ((plain && length >= 0) || !streamable) {
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

/** Cancels a body that will not be read (its rejection is of no interest, but must be handled). */
function discard(response) {
  try {
    const { body } = response;
    if (typeof body?.cancel === 'function') body.cancel()?.catch?.(() => {});
    // A fetch polyfill's Node stream (node-fetch 2).
    else body?.destroy?.();
  } catch {
    // A body that cannot be cancelled: it is dropped all the same.
  }
}

/** The exchange of a fetch that threw `error`: what the runtime says of it, for the Rust side to explain. */
function noResponse(url, error) {
  let cause;
  try {
    cause = error?.cause;
  } catch {
    // A getter that throws: no cause.
  }
  const detail = cause === undefined ? describe(error) : `${describe(error)}; cause: ${describe(cause)}`;
  const result = new Exchange(NO_RESPONSE, detail);
  result.error = error;
  result.code = codeOf(cause) ?? codeOf(error);
  result.crossOrigin = crossOrigin(url);
  return result;
}

/**
 * The `code` of an error (Node's ECONNREFUSED, ENOTFOUND, certificate codes), or of the first error of an
 * AggregateError (a connection tried on several addresses); undefined when there is none.
 */
function codeOf(error) {
  try {
    if (error === null || typeof error !== 'object') return undefined;
    if (typeof error.code === 'string') return error.code;
    const first = Array.isArray(error.errors) ? error.errors[0] : undefined;
    return typeof first?.code === 'string' ? first.code : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `url` is of another origin than the page's; undefined where there is no page (Node). */
function crossOrigin(url) {
  try {
    const { location } = globalThis;
    if (location === null || typeof location !== 'object') return undefined;
    return new URL(url, location.href).origin !== location.origin;
  } catch {
    return undefined;
  }
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

// One 'abort' listener per caller signal, whatever the number of calls it cancels: Node warns from the
// eleventh listener on one signal ("possible EventTarget memory leak"), and a page may well share one signal
// among many parallel calls.
const watchers = new WeakMap();

/** Calls `onAbort` once when `signal` aborts, until the returned function is called. */
function watch(signal, onAbort) {
  let watcher = watchers.get(signal);
  if (watcher === undefined) {
    const callbacks = new Set();
    const listener = () => {
      watchers.delete(signal);
      for (const callback of callbacks) {
        try {
          callback();
        } catch {
          // Each call stops on its own: one failing must not keep the others running.
        }
      }
    };
    watcher = { callbacks, listener };
    signal.addEventListener('abort', listener, { once: true });
    watchers.set(signal, watcher);
  }
  const { callbacks, listener } = watcher;
  callbacks.add(onAbort);
  return () => {
    callbacks.delete(onAbort);
    if (callbacks.size === 0 && watchers.get(signal) === watcher) {
      watchers.delete(signal);
      try {
        signal.removeEventListener('abort', listener);
      } catch {
        // A look-alike signal that cannot remove listeners: the listener stays, and finds no callbacks.
      }
    }
  };
}

/**
 * Resolves `true` after `ms` milliseconds, `false` as soon as `signal` (or `undefined`) aborts, and `null`
 * when the signal cannot be read or watched (its `aborted` or `addEventListener` threw). Never rejects.
 */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    try {
      if (signal !== undefined && signal.aborted) {
        resolve(false);
        return;
      }
      let unwatch;
      const timer = setTimeout(() => {
        resolve(true);
        if (unwatch !== undefined) unwatch();
      }, ms);
      if (signal !== undefined) {
        try {
          unwatch = watch(signal, () => {
            clearTimeout(timer);
            unwatch();
            resolve(false);
          });
        } catch (error) {
          clearTimeout(timer);
          throw error;
        }
      }
    } catch {
      resolve(null);
    }
  });
}

/** Whether `signal` has aborted; `null` when its `aborted` cannot be read. Never throws. */
export function isAborted(signal) {
  try {
    return signal.aborted === true;
  } catch {
    return null;
  }
}

/**
 * Calls the `onResponse` option with what one response was. It observes a call and cannot change its outcome:
 * an exception it throws is reported as an event listener's is (the global `reportError` where the runtime has
 * one, as browsers do; else thrown from a new task, which Node treats as an uncaught exception, as it does for
 * its EventTarget listeners), and `false` is returned so that it is not called again.
 */
export function notify(callback, operation, status, requestId, attempts) {
  const response = requestId === undefined
    ? { operation, status, attempts }
    : { operation, status, requestId, attempts };
  try {
    callback(response);
    return true;
  } catch (error) {
    try {
      if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
      else setTimeout(() => {
        throw error;
      }, 0);
    } catch {
      // Reporting it failed too: the call goes on all the same.
    }
    return false;
  }
}
