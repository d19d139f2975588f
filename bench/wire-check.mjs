// Checks that the comparison is like for like, before anything is measured: kps-wasm and both baselines put
// the same bytes on the wire (request line, headers in order, body), and the safe baseline does refuse what
// it claims to (a redirect, a body over 1 MiB after decompression, a server that stalls, an aborted signal).
// A one-shot TCP listener on 127.0.0.1 captures the requests and sends the answers.
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { disassociateKeypair } from 'kps-wasm';
import { callOptions } from './fixture.mjs';
import { rawDisassociateKeypair } from './raw-fetch.mjs';
import { safeRawDisassociateKeypair } from './safe-raw-fetch.mjs';

const ANSWER = '{"task_id":"c3a1f1de-0a4b-4c7e-9d2f-be7c00000001"}';
const ACCEPTED = `HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: ${ANSWER.length}\r\nConnection: close\r\n\r\n${ANSWER}`;

/**
 * Runs `client(endpoint)` against a listener that answers each whole request with `answer` (bytes or text,
 * then closes; `{ stall }`: sends that and holds the connection open; `null`: never answers). Resolves with
 * the requests received as latin1 text and the client's outcome.
 */
async function exchangeWith(answer, client) {
  let received = '';
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (data) => {
      received += data.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(received);
      if (answer === null || end < 0 || !length || received.length < end + 4 + Number(length[1])) return;
      if (answer.stall !== undefined) socket.write(answer.stall);
      else socket.end(answer);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let guard;
  try {
    // A client that ignores its timeout would wait for ever: bound the check.
    const stuck = new Promise((resolve) => {
      guard = setTimeout(() => resolve({ error: new Error('still pending after 5 s') }), 5000);
    });
    const settled = client(`http://127.0.0.1:${server.address().port}`).then(
      (value) => ({ value }),
      (error) => ({ error }),
    );
    return { received, outcome: await Promise.race([settled, stuck]) };
  } finally {
    clearTimeout(guard);
    for (const socket of sockets) socket.destroy();
    server.close();
  }
}

/** Throws, showing the requests, unless kps-wasm and both baselines send the same request with `auth`. */
export async function checkSameWire(auth) {
  const capture = async (call) => {
    const { received, outcome } = await exchangeWith(ACCEPTED, (endpoint) => call(callOptions(endpoint, auth)));
    if (outcome.error) throw outcome.error;
    // Each capture has its own listener, so its own port; the signature covers it and is masked too.
    return received
      .replace(/(\r\nhost: 127\.0\.0\.1:)\d+/i, '$1…')
      .replace(/(\r\nX-Sdk-Date: )\w+/i, '$1…')
      .replace(/(, Signature=)[0-9a-f]+/, '$1…');
  };
  const ours = await capture(disassociateKeypair);
  for (const [name, call] of [
    ['raw fetch', rawDisassociateKeypair],
    ['safe raw fetch', safeRawDisassociateKeypair],
  ]) {
    const theirs = await capture(call);
    if (ours !== theirs) throw new Error(`kps-wasm and ${name} send different requests (${auth}):\n${ours}\n---\n${theirs}`);
  }
}

/** Throws unless the safe baseline rejects each answer it is meant to refuse, and says why, as kps-wasm does. */
export async function checkSafeBaseline() {
  const big = 'x'.repeat((1 << 20) + 1);
  const gzipped = gzipSync(`{"task_id":"${big}"}`);
  // What each answer is, and what each client's error must match: kps-wasm's name, the baseline's message.
  const refusals = [
    [
      'a redirect',
      'HTTP/1.1 307 Temporary Redirect\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n',
      /KpsResponseError/,
      /redirect/,
    ],
    [
      'a body over 1 MiB',
      `HTTP/1.1 202 Accepted\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n${big}`,
      /KpsResponseError/,
      /exceeds 1048576 bytes/,
    ],
    [
      'a gzip body over 1 MiB once decoded',
      Buffer.concat([
        Buffer.from(`HTTP/1.1 202 Accepted\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n\r\n`),
        gzipped,
      ]),
      /KpsResponseError/,
      /exceeds 1048576 bytes/,
    ],
    ['no answer within timeoutMs', null, /KpsTimeoutError/, /TimeoutError/],
    [
      'a body that stalls past timeoutMs',
      { stall: `HTTP/1.1 202 Accepted\r\nContent-Length: ${ANSWER.length}\r\n\r\n{"task_id"` },
      /KpsTimeoutError/,
      /TimeoutError/,
    ],
  ];
  for (const [what, answer, ours, theirs] of refusals) {
    for (const [name, call, expected] of [
      ['kps-wasm', disassociateKeypair, ours],
      ['safe raw fetch', safeRawDisassociateKeypair, theirs],
    ]) {
      const { outcome } = await exchangeWith(answer, (endpoint) => call({ ...callOptions(endpoint, 'token'), timeoutMs: 300 }));
      if (!outcome.error) throw new Error(`${name} accepted ${what}`);
      const said = `${outcome.error.name}: ${outcome.error.message}`;
      if (!expected.test(said)) throw new Error(`${name}, ${what}: rejected with "${said}", expected ${expected}`);
    }
  }
  // The caller's signal, through AbortSignal.any and through the fallback for runtimes without it.
  const any = AbortSignal.any;
  try {
    for (const combine of ['AbortSignal.any', 'listeners']) {
      if (combine === 'listeners') AbortSignal.any = undefined;
      const controller = new AbortController();
      const reason = new Error('the caller aborted');
      setTimeout(() => controller.abort(reason), 50);
      const withSignal = (signal) => (endpoint) =>
        safeRawDisassociateKeypair({ ...callOptions(endpoint, 'token'), signal, timeoutMs: 300 });
      const aborted = (await exchangeWith(null, withSignal(controller.signal))).outcome;
      if (aborted.error !== reason) throw new Error(`safe raw fetch (${combine}), aborted: ${aborted.error ?? aborted.value}`);
      const timedOut = (await exchangeWith(null, withSignal(new AbortController().signal))).outcome;
      if (timedOut.error?.name !== 'TimeoutError') {
        throw new Error(`safe raw fetch (${combine}), with a signal, timed out: ${timedOut.error ?? timedOut.value}`);
      }
    }
  } finally {
    AbortSignal.any = any;
  }
}
