// The package as a Node ESM user imports it: `import ... from 'kps-wasm'`, no init call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import * as kps from 'kps-wasm';
import { PKG, crateVersion } from './package-paths.mjs';

test('import resolves to the Node ESM entry and version() answers from the wasm', () => {
  assert.equal(kps.version(), crateVersion());
  assert.equal(JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version, crateVersion());
});

test('init() is optional in Node and resolves at once', async () => {
  assert.equal(await kps.init(), undefined);
  assert.equal(kps.version(), crateVersion());
});

test('a KpsError from a second copy of the package is recognised by the first', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kps-wasm-copy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(PKG, dir, { recursive: true });
  const copy = await import(pathToFileURL(join(dir, 'node.mjs')).href);
  assert.notEqual(copy.KpsError, kps.KpsError, 'the copy must be a distinct module instance');
  const error = new copy.KpsError('KpsApiError', 'KPS.0002', 'parameter error', { status: 400, requestId: 'r-1' });
  assert.ok(kps.isKpsError(error));
  assert.ok(error instanceof kps.KpsError);
  assert.ok(error instanceof Error);
  assert.equal(error.status, 400);
  assert.equal(error.requestId, 'r-1');
});

test('isKpsError and instanceof reject plain errors and look-alikes', () => {
  const lookAlike = Object.assign(new Error('x'), { name: 'KpsApiError', code: 'KPS.0002', status: 400 });
  for (const value of [new Error('x'), lookAlike, null, undefined, 'KpsError', {}]) {
    assert.equal(kps.isKpsError(value), false);
    assert.equal(value instanceof kps.KpsError, false);
  }
});

test('a KpsError serialises to JSON with its fields and message', () => {
  const error = new kps.KpsError('KpsValidationError', 'INVALID_ARGUMENT', 'projectId: expected 32 hex characters', {
    field: 'projectId',
  });
  assert.deepEqual(JSON.parse(JSON.stringify(error)), {
    name: 'KpsValidationError',
    code: 'INVALID_ARGUMENT',
    status: 0,
    attempts: 1,
    field: 'projectId',
    message: 'projectId: expected 32 hex characters',
  });
  assert.match(String(error), /^KpsValidationError: projectId/);
});

test('disassociateKeypair resolves with the task ID from the emulator', async () => {
  const { EMULATOR, PROJECT, TOKEN, BENCH_SERVER } = await import('./emulator.mjs');
  const taskId = await kps.disassociateKeypair({
    endpoint: EMULATOR,
    token: TOKEN,
    projectId: PROJECT,
    serverId: BENCH_SERVER,
  });
  assert.match(taskId, /^[0-9a-f-]{36}$/);
});

test('a failed call rejects with a KpsError that instanceof and isKpsError recognise', async () => {
  const { EMULATOR, PROJECT, BENCH_SERVER } = await import('./emulator.mjs');
  const error = await kps
    .disassociateKeypair({ endpoint: EMULATOR, token: 'wrong-token', projectId: PROJECT, serverId: BENCH_SERVER })
    .then(() => assert.fail('resolved with a wrong token'), (e) => e);
  assert.ok(error instanceof kps.KpsError);
  assert.ok(error instanceof Error);
  assert.ok(kps.isKpsError(error));
  assert.equal(error.name, 'KpsApiError');
  assert.equal(error.code, 'KPS.9001');
  assert.equal(error.status, 401);
  assert.equal(typeof error.requestId, 'string');
  assert.ok(!JSON.stringify(error).includes('wrong-token'));
});

test('a validation error names the field and suggests the intended key', async () => {
  const error = await kps.disassociateKeypair({ serverID: 'x' }).catch((e) => e);
  assert.equal(error.name, 'KpsValidationError');
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.field, 'serverID');
  assert.match(error.message, /serverId/);
});

test('calls sharing one signal put one abort listener on it, and none is left once they settle', async () => {
  const { EMULATOR, PROJECT, TOKEN, BENCH_SERVER } = await import('./emulator.mjs');
  const controller = new AbortController();
  // Answered after 300 ms, so that all 25 are in flight when the listeners are counted.
  const endpoint = `${EMULATOR}/__emulator/fault/delay=300`;
  const options = { endpoint, token: TOKEN, projectId: PROJECT, serverId: BENCH_SERVER };
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const calls = Array.from({ length: 25 }, () => kps.disassociateKeypair({ ...options, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1, 'one listener while 25 calls run');
    const taskIds = await Promise.all(calls);
    assert.equal(new Set(taskIds).size, 25);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'no listener once they settled');
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});

test('an install without its .wasm fails at import with a KpsLoadError that names the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kps-wasm-no-wasm-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(PKG, dir, { recursive: true });
  await rm(join(dir, 'kps_wasm_bg.wasm'));
  const error = await import(pathToFileURL(join(dir, 'node.mjs')).href).then(
    () => assert.fail('the import should fail'),
    (e) => e,
  );
  assert.ok(kps.isKpsError(error), `a KpsError: ${error}`);
  assert.deepEqual([error.name, error.code, error.status], ['KpsLoadError', 'WASM_LOAD_FAILED', 0]);
  assert.ok(error.message.includes(pathToFileURL(join(dir, 'kps_wasm_bg.wasm')).href), error.message);
  assert.equal(error.cause.code, 'ENOENT');
});

test('a network error names the host, keeps what fetch threw as e.cause, and masks secrets in its text', async () => {
  const token = 'canary-token-4f2a9c';
  const thrown = new TypeError('fetch failed', {
    cause: Object.assign(new Error(`connect ECONNREFUSED 10.0.0.1:443 (sent X-Auth-Token: ${token})`), {
      code: 'ECONNREFUSED',
    }),
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => {
    throw thrown;
  };
  try {
    const error = await kps
      .listRunningTasks({ region: 'cn-north-4', token, projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', limit: 5 })
      .then(() => assert.fail('resolved without a network'), (e) => e);
    assert.deepEqual([error.name, error.code, error.status], ['KpsNetworkError', 'NETWORK_ERROR', 0]);
    assert.match(error.message, /^no response from kms\.cn-north-4\.myhuaweicloud\.com: the connection was refused/);
    assert.match(error.message, /\(ECONNREFUSED\)\. The runtime said: TypeError: fetch failed; cause: Error: connect/);
    assert.ok(error.message.includes('X-Auth-Token: ***'), error.message);
    assert.ok(!error.message.includes(token) && !error.message.includes('limit='), error.message);
    assert.equal(error.cause, thrown, 'e.cause is the value fetch threw');
    assert.ok(!JSON.stringify(error).includes(token));
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('onResponse that throws is reported once, as a listener is, and the call still resolves', async () => {
  const { EMULATOR, PROJECT, TOKEN, BENCH_SERVER } = await import('./emulator.mjs');
  const rule = { fault: 'status=503,retry-after=0', path: 'keypairs/disassociate', method: 'POST', times: 1 };
  const added = await fetch(`${EMULATOR}/__emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rule),
  });
  assert.ok(added.ok);
  const reported = [];
  const seen = [];
  globalThis.reportError = (error) => reported.push(error);
  try {
    const bug = new RangeError('a bug in the audit log');
    const taskId = await kps.disassociateKeypair({
      endpoint: EMULATOR,
      token: TOKEN,
      projectId: PROJECT,
      serverId: BENCH_SERVER,
      onResponse: (response) => {
        seen.push(response);
        throw bug;
      },
    });
    assert.match(taskId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(reported, [bug]);
    assert.equal(seen.length, 1, 'not called again once it threw (the 202 of the retry was not told)');
    assert.deepEqual(Object.keys(seen[0]), ['operation', 'status', 'requestId', 'attempts']);
    assert.deepEqual([seen[0].operation, seen[0].status, seen[0].attempts], ['DisassociateKeypair', 503, 1]);
  } finally {
    delete globalThis.reportError;
  }
});
