// The fair baseline: bench/raw-fetch.mjs's request (the same bytes on the wire), sent the way a careful
// developer writes it by hand with what the platform offers, so that kps-wasm's ratio to it prices the library
// rather than the cost of being safe:
// - a timeout over the whole call, headers and body (AbortSignal.timeout, 30 s as kps-wasm's default),
//   combined with the caller's `signal` (AbortSignal.any, or a listener where that is missing);
// - redirects refused (`redirect: 'manual'`): an opaque redirect or any 3xx is an error, since following one
//   would carry the token or the signed request elsewhere;
// - the body read through its stream reader and cut at 1 MiB, counted after decompression (fetch decodes);
// - the text decoded as strict UTF-8 and parsed as JSON, and the same status check as the bare baseline.
// Like the bare baseline it validates no option: that is work kps-wasm does and the bench prices.

import { disassociateRequest, taskIdOf } from './raw-fetch.mjs';

const DEFAULT_TIMEOUT_MS = 30000;
const MAX_BODY_BYTES = 1 << 20;

/**
 * Resolves with the task ID; rejects on a timeout (a `TimeoutError`), an abort (the signal's reason), a
 * redirect, a body over 1 MiB, a body that is not UTF-8 JSON, or any answer but 202 with a task ID.
 */
export async function safeRawDisassociateKeypair(options) {
  const { url, init } = await disassociateRequest(options);
  const { signal, release } = callSignal(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
  try {
    const response = await fetch(url, { ...init, signal, redirect: 'manual' });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      response.body?.cancel().catch(() => {});
      throw new Error(`safe raw fetch: redirected (HTTP ${response.status}); redirects are not followed`);
    }
    const answer = JSON.parse(await readText(response, MAX_BODY_BYTES));
    return taskIdOf(response.status, answer, 'safe raw fetch');
  } finally {
    release();
  }
}

/** A signal that aborts after `timeoutMs` or when `callerSignal` aborts; `release` drops what it set up. */
function callSignal(timeoutMs, callerSignal) {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (callerSignal === undefined) return { signal: timeout, release() {} };
  if (typeof AbortSignal.any === 'function') {
    return { signal: AbortSignal.any([callerSignal, timeout]), release() {} };
  }
  // Runtimes without AbortSignal.any (Safari before 17.4, Node before 20.3): forward either abort by hand.
  const controller = new AbortController();
  const forward = (event) => controller.abort(event.target.reason);
  const sources = [callerSignal, timeout];
  for (const source of sources) {
    if (source.aborted) controller.abort(source.reason);
    else source.addEventListener('abort', forward, { once: true });
  }
  return {
    signal: controller.signal,
    release() {
      for (const source of sources) source.removeEventListener('abort', forward);
    },
  };
}

/** The body as text, read and decoded chunk by chunk; throws once it passes `maxBytes`. */
async function readText(response, maxBytes) {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  // Fatal: a body that is not UTF-8 is an error, not replacement characters.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + utf8.decode();
    total += value.length;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw new Error(`safe raw fetch: the response body exceeds ${maxBytes} bytes`);
    }
    text += utf8.decode(value, { stream: true });
  }
}
