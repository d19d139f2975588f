// What the hostile stage of `cargo xtask fuzz` (tests/reliability/hostile.mjs) caught, each replayed against a
// tiny scripted server so that it stays caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as kps from 'kps-wasm';

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const SERVER = 'b0000000-0000-4000-8000-000000000001';
const TASK = 'a0000000-0000-4000-8000-000000000001';

/** Serves `answer(req, res)` on 127.0.0.1; resolves with its URL and a close function. */
async function scripted(answer) {
  const sockets = new Set();
  const server = createServer(answer);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

test('a wait whose task failed settles within waitTimeoutMs even when the failed-tasks list never answers', async (t) => {
  // Hostile seed 1 exchange 237: the lookup of the failure's code took the call's whole timeoutMs.
  const server = await scripted((req, res) => {
    if (req.url.includes('/failed-tasks')) return; // hangs
    json(res, 200, { server_id: SERVER, task_id: TASK, task_status: 'FAILED_UNBIND' });
  });
  t.after(server.close);
  const started = performance.now();
  const error = await kps
    .waitForKeypairTask({
      endpoint: server.url, token: 't', projectId: PROJECT, taskId: TASK,
      timeoutMs: 5000, waitTimeoutMs: 600, intervalMs: 100,
    })
    .then(() => assert.fail('the task failed: the wait must reject'), (e) => e);
  const ms = performance.now() - started;
  assert.equal(error.name, 'KpsTaskFailedError');
  assert.ok(ms < 1500, `settled after ${Math.round(ms)} ms; waitTimeoutMs is 600`);
});

test('an aborted fleet settles within a few timeoutMs even when the server asked to pause for a minute', async (t) => {
  // Hostile seed 1 exchange 86: the unbind in flight at the abort timed out, and the reconciliation that
  // followed (it must look for the task the service may have started) waited out a 50 s Retry-After.
  const server = await scripted((req, res) => {
    if (req.method === 'POST') return; // in flight at the abort, then cut by its timeoutMs: reconcile
    if (req.url.includes('/running-tasks')) {
      return json(res, 429, { error_code: 'APIGW.0308', error_msg: 'throttled' }, { 'Retry-After': '50' });
    }
    json(res, 200, { total: 0, tasks: [] });
  });
  t.after(server.close);
  const started = performance.now();
  const report = await kps.disassociateKeypairs({
    endpoint: server.url, token: 't', projectId: PROJECT, servers: [SERVER],
    timeoutMs: 1000, wait: false, signal: AbortSignal.timeout(300),
  });
  const ms = performance.now() - started;
  assert.equal(report.aborted, true);
  assert.ok(ms < 300 + 3 * 1000, `settled after ${Math.round(ms)} ms; aborted at 300 ms, timeoutMs 1000`);
});

test('a body labelled gzip that is not, sent after its headers, ends in a timeout within timeoutMs', async (t) => {
  // Hostile seed 2 exchange 286 (a fleet's running-tasks list): Node's fetch never settled the body read,
  // even once aborted, and the fleet waited for it forever.
  const server = await scripted((req, res) => {
    const body = JSON.stringify({ total: 0, tasks: [] });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
    res.flushHeaders();
    setTimeout(() => res.end(body), 50);
  });
  t.after(server.close);
  const started = performance.now();
  let timer;
  const pending = new Promise((resolve) => {
    timer = setTimeout(resolve, 5000, 'still pending after 5 s');
  });
  const outcome = await Promise.race([
    kps.listRunningTasks({ endpoint: server.url, token: 't', projectId: PROJECT, timeoutMs: 1000, maxAttempts: 1 }).then(
      () => 'resolved',
      (error) => error.code,
    ),
    pending,
  ]);
  clearTimeout(timer);
  const ms = performance.now() - started;
  assert.equal(outcome, 'TIMEOUT');
  assert.ok(ms < 1000 + 500, `settled after ${Math.round(ms)} ms; timeoutMs 1000`);
});
