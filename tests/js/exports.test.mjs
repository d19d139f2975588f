// The names the entry modules export at runtime are exactly the names index.d.ts declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PKG } from './package-paths.mjs';

function declaredValueNames() {
  const dts = readFileSync(join(PKG, 'index.d.ts'), 'utf8');
  return [...dts.matchAll(/^export (?:declare )?(?:function|class|const|let) (\w+)/gm)].map((m) => m[1]).sort();
}

for (const entry of ['node.mjs', 'index.js']) {
  test(`${entry} exports exactly what index.d.ts declares`, async () => {
    const module = await import(pathToFileURL(join(PKG, entry)).href);
    assert.deepEqual(Object.keys(module).sort(), [...new Set(declaredValueNames())]);
  });
}

test('package.json maps every condition to a file that exists in pkg/', () => {
  const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  const targets = [];
  const walk = (node) => (typeof node === 'string' ? targets.push(node) : Object.values(node).forEach(walk));
  walk(manifest.exports);
  targets.push(manifest.main, manifest.module, manifest.types);
  for (const target of targets) {
    assert.doesNotThrow(() => readFileSync(join(PKG, target)), `${target} is missing from pkg/`);
  }
});

test('every file package.json lists is in pkg/, the npm README included', () => {
  const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  for (const entry of manifest.files) {
    assert.doesNotThrow(() => statSync(join(PKG, entry)), `${entry} is listed in files but missing from pkg/`);
  }
  assert.match(readFileSync(join(PKG, 'README.md'), 'utf8'), /^# kps-wasm/);
});

test('the package explains itself: repository, home page, bugs, both licences and a changelog', () => {
  const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  assert.equal(manifest.repository.url, 'git+https://github.com/kps-wasm/kps-wasm.git');
  assert.match(manifest.homepage, /^https:\/\/github\.com\/kps-wasm\/kps-wasm/);
  assert.match(manifest.bugs.url, /\/issues$/);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.match(readFileSync(join(PKG, 'LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.match(readFileSync(join(PKG, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
  const changelog = readFileSync(join(PKG, 'CHANGELOG.md'), 'utf8');
  assert.ok(changelog.includes(`## ${manifest.version}`), `CHANGELOG.md has a ${manifest.version} section`);
  const readme = readFileSync(join(PKG, 'README.md'), 'utf8');
  assert.match(readme, /https:\/\/github\.com\/kps-wasm\/kps-wasm\/tree\/main\/emulator/);
});
