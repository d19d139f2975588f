// The package as a Node ESM user imports it: `import ... from 'kps-wasm'`, no init call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
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
    field: 'projectId',
    message: 'projectId: expected 32 hex characters',
  });
  assert.match(String(error), /^KpsValidationError: projectId/);
});
