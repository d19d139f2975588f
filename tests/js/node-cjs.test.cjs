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

test('disassociateKeypair works through require() too', async () => {
  const url = process.env.KPS_EMULATOR_URL;
  assert.ok(url, 'KPS_EMULATOR_URL is set by cargo xtask test');
  const taskId = await kps.disassociateKeypair({
    endpoint: url,
    token: 'emulator-token',
    projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    serverId: 'b0000000-0000-4000-8000-000000000001',
  });
  assert.equal(typeof taskId, 'string');
  const error = await kps.disassociateKeypair({ endpoint: url }).catch((e) => e);
  assert.ok(error instanceof kps.KpsError);
});
