// The package as a Node CommonJS user loads it: `require('kps-wasm')`, no init call.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const kps = require('kps-wasm');

function crateVersion() {
  const manifest = readFileSync(join(__dirname, '..', '..', 'Cargo.toml'), 'utf8');
  return /^version\s*=\s*"([^"]+)"/m.exec(manifest.split('[package]')[1])[1];
}

test('require resolves to the Node CJS entry and version() answers from the wasm', () => {
  assert.equal(require.resolve('kps-wasm'), join(__dirname, '..', '..', 'pkg', 'node.cjs'));
  assert.equal(kps.version(), crateVersion());
});

test('require and import share one module instance, so errors and state are not duplicated', async () => {
  const imported = await import('kps-wasm');
  assert.equal(imported.KpsError, kps.KpsError);
  assert.equal(imported.version, kps.version);
});
