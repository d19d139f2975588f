// The package in a real browser (Debian's Chromium via playwright-core): a module script with no bundler,
// a module Web Worker, a custom wasm location through init(), and a Vite production build.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { launchChromium, recordPageProblems } from './chromium.mjs';
import { serveStatic } from './static-server.mjs';
import { PKG, REPO, crateVersion } from './package-paths.mjs';

let browser;
let server;
let viteOut;

before(async () => {
  viteOut = await mkdtemp(join(tmpdir(), 'kps-wasm-vite-'));
  await build({
    root: join(REPO, 'tests/js/vite-app'),
    base: '/vite/',
    logLevel: 'warn',
    build: { outDir: viteOut, emptyOutDir: true },
  });
  server = await serveStatic(
    {
      '/pkg/': PKG,
      '/moved/': PKG,
      '/pages/': join(REPO, 'tests/js/pages'),
      '/vite/': viteOut,
    },
    { hidden: ['/moved/kps_wasm_bg.wasm'] },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (viteOut) await rm(viteOut, { recursive: true, force: true });
});

/** Opens `path`, waits until <body data-version> is set, and returns the body's dataset. */
async function open(path) {
  const page = await browser.newPage();
  const problems = recordPageProblems(page);
  try {
    await page.goto(server.url + path);
    await page.waitForFunction(() => document.body.dataset.version || document.body.dataset.error, null, {
      timeout: 15000,
    });
    return { data: await page.evaluate(() => ({ ...document.body.dataset })), problems };
  } catch (error) {
    throw new Error(`${path}: ${error.message}\npage problems: ${problems.join('\n') || 'none'}`, { cause: error });
  } finally {
    await page.close();
  }
}

test('a <script type="module"> page imports the package through an import map and calls the wasm', async () => {
  const { data, problems } = await open('/pages/module.html');
  assert.equal(data.version, crateVersion());
  assert.deepEqual(problems, []);
});

test('a module Web Worker imports the package and calls the wasm', async () => {
  const { data } = await open('/pages/worker.html');
  assert.equal(data.error, undefined);
  assert.equal(data.version, crateVersion());
});

test('when the .wasm is not where the entry expects it, a call explains and init(url) recovers', async () => {
  const { data } = await open('/pages/custom-location.html');
  const before = JSON.parse(data.before);
  assert.deepEqual(
    [before.kps, before.name, before.code, before.status],
    [true, 'KpsLoadError', 'WASM_LOAD_FAILED', 404],
  );
  assert.match(before.message, /the WebAssembly module is not loaded.*\/moved\/kps_wasm_bg\.wasm.*HTTP 404.*init\(/);
  const wrong = JSON.parse(data.wrongInit);
  assert.deepEqual(
    [wrong.kps, wrong.name, wrong.code, wrong.status],
    [true, 'KpsLoadError', 'WASM_LOAD_FAILED', 404],
  );
  assert.match(wrong.message, /could not load it from http:\/\/127\.0\.0\.1:\d+\/nowhere\/kps_wasm_bg\.wasm \(HTTP 404\)/);
  assert.equal(wrong.cause, 'Error: HTTP 404');
  assert.equal(data.version, crateVersion());
});

test('the console recipe: a page of another origin imports the served package and calls the emulator', async () => {
  const emulator = process.env.KPS_EMULATOR_URL;
  assert.ok(emulator, 'KPS_EMULATOR_URL names the emulator that serves /pkg/');
  const page = await browser.newPage();
  const problems = recordPageProblems(page);
  try {
    await page.goto(server.url + '/pages/blank.html');
    const result = await page.evaluate(async (origin) => {
      const kps = await import(`${origin}/pkg/index.js`);
      const list = await kps.listRunningTasks({
        endpoint: origin,
        token: 'emulator-token',
        projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      });
      return { version: kps.version(), total: typeof list.total, tasks: Array.isArray(list.tasks) };
    }, emulator);
    assert.notEqual(new URL(emulator).origin, new URL(server.url).origin, 'two origins');
    assert.deepEqual(result, { version: crateVersion(), total: 'number', tasks: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a Vite production build bundles the package, emits the wasm and runs it with no init call', async () => {
  const { data, problems } = await open('/vite/index.html');
  assert.equal(data.version, crateVersion());
  assert.equal(data.plainErrorIsKps, 'false');
  assert.deepEqual(problems, []);
});
