// Checks that the comparison is like for like: kps-wasm and the raw-fetch baseline put the same bytes on the
// wire (request line, headers in order, body), captured by a one-shot TCP listener on 127.0.0.1. With AK/SK
// only X-Sdk-Date and the signature may differ (the clock may tick between the two calls).
import { createServer } from 'node:net';
import { disassociateKeypair } from 'kps-wasm';
import { callOptions } from './fixture.mjs';
import { rawDisassociateKeypair } from './raw-fetch.mjs';

const ANSWER = '{"task_id":"c3a1f1de-0a4b-4c7e-9d2f-be7c00000001"}';

/** Throws, showing both requests, unless both clients send the same request with `auth` ('token' | 'aksk'). */
export async function checkSameWire(auth) {
  let received = '';
  const server = createServer((socket) => {
    socket.on('data', (data) => {
      received += data.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(received);
      if (end >= 0 && length && received.length >= end + 4 + Number(length[1])) {
        socket.end(
          `HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: ${ANSWER.length}\r\nConnection: close\r\n\r\n${ANSWER}`,
        );
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    const capture = async (call) => {
      received = '';
      await call(callOptions(endpoint, auth));
      return received
        .replace(/(\r\nX-Sdk-Date: )\w+/i, '$1…')
        .replace(/(, Signature=)[0-9a-f]+/, '$1…');
    };
    const ours = await capture(disassociateKeypair);
    const raw = await capture(rawDisassociateKeypair);
    if (ours !== raw) {
      throw new Error(`kps-wasm and raw fetch send different requests (${auth}):\n${ours}\n---\n${raw}`);
    }
  } finally {
    server.close();
  }
}
