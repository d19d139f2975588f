// AK/SK from a browser through a same-origin proxy: the page calls `endpoint: '/kps'` with `signingHost` set to
// the upstream host; the static server forwards /kps/* to the emulator with the prefix stripped and `Host`
// rewritten to the emulator's host:port (as nginx's proxy_pass does), and the emulator verifies the signature
// over the Host it receives.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, recordPageProblems } from './chromium.mjs';
import { BENCH_SERVER, CREDENTIALS, EMULATOR, PROJECT } from './emulator.mjs';
import { serveStatic } from './static-server.mjs';
import { PKG, REPO } from './package-paths.mjs';

const UPSTREAM_HOST = new URL(EMULATOR).host;
const DISASSOCIATE = `/v3/${PROJECT}/keypairs/disassociate`;

let browser;
let server;
let page;
let problems;

before(async () => {
  server = await serveStatic(
    { '/pkg/': PKG, '/pages/': join(REPO, 'tests/js/pages') },
    {
      proxy: {
        '/kps': { upstream: EMULATOR },
        '/kps-keeping-host': { upstream: EMULATOR, keepHost: true },
      },
    },
  );
  browser = await launchChromium();
  page = await browser.newPage();
  problems = recordPageProblems(page);
  await page.goto(`${server.url}/pages/proxy.html`);
  await page.waitForFunction(() => document.body.dataset.version, null, { timeout: 15000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(() => {
  server.proxied.length = 0;
});

/** Calls disassociateKeypair in the page on the bench server with AK/SK; `options` adds or overrides. */
function disassociate(options) {
  return page.evaluate((options) => window.disassociate(options), {
    credentials: CREDENTIALS,
    projectId: PROJECT,
    serverId: BENCH_SERVER,
    ...options,
  });
}

test('a call signed for signingHost through a /kps proxy that sends that Host is accepted', async () => {
  const result = await disassociate({ endpoint: '/kps', signingHost: UPSTREAM_HOST });
  assert.deepEqual(result.error, undefined, `page problems: ${problems.join('\n') || 'none'}`);
  assert.match(result.taskId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(server.proxied, [{ method: 'POST', path: DISASSOCIATE, host: UPSTREAM_HOST }]);
});

test('an absolute proxy URL with a path prefix and signingHost signs the path the upstream receives', async () => {
  const result = await disassociate({ endpoint: `${server.url}/kps`, signingHost: UPSTREAM_HOST });
  assert.deepEqual(result.error, undefined, `page problems: ${problems.join('\n') || 'none'}`);
  assert.match(result.taskId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(server.proxied, [{ method: 'POST', path: DISASSOCIATE, host: UPSTREAM_HOST }]);
});

test('a call signed for another host reaches KPS and is refused with APIGW.0301', async () => {
  const result = await disassociate({ endpoint: '/kps', signingHost: 'kms.cn-north-4.myhuaweicloud.com' });
  assert.equal(result.taskId, undefined);
  assert.equal(result.error.isKpsError, true);
  assert.equal(result.error.name, 'KpsApiError');
  assert.equal(result.error.code, 'APIGW.0301');
  assert.equal(result.error.status, 401);
  assert.match(result.error.message, /verify aksk signature fail/);
  assert.ok(!JSON.stringify(result).includes(CREDENTIALS.secretAccessKey));
  assert.deepEqual(server.proxied, [{ method: 'POST', path: DISASSOCIATE, host: UPSTREAM_HOST }]);
});

test("a proxy that forwards the page's own Host breaks a signature made for signingHost", async () => {
  const result = await disassociate({ endpoint: '/kps-keeping-host', signingHost: UPSTREAM_HOST });
  assert.equal(result.error?.code, 'APIGW.0301');
  assert.equal(result.error.status, 401);
  assert.match(result.error.message, /verify aksk signature fail/);
  assert.deepEqual(server.proxied, [{ method: 'POST', path: DISASSOCIATE, host: new URL(server.url).host }]);
});

test('credentials with a relative endpoint and no signingHost are refused before any request', async () => {
  const result = await disassociate({ endpoint: '/kps' });
  assert.equal(result.taskId, undefined);
  assert.equal(result.error.isKpsError, true);
  assert.equal(result.error.name, 'KpsValidationError');
  assert.equal(result.error.code, 'INVALID_ARGUMENT');
  assert.equal(result.error.field, 'signingHost');
  assert.equal(result.error.status, 0);
  assert.deepEqual(server.proxied, []);
});
