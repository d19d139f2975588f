// The demo page (www/) end to end: served by the emulator, driven in Debian's Chromium through playwright-core,
// as a user would use it. `cargo xtask test` starts the emulator (fast task timings) and passes the page's URL
// in KPS_DEMO_URL. Screenshots go to tests/e2e/artifacts/ (git-ignored).
//
// The cases run in parallel against one emulator, reset once: each unbinds servers of its own (the fleet cases
// each a range of the emulator's `--fleet` servers), and only one creates failed tasks, so none sees another's
// effects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { launchChromium, recordPageProblems } from '../js/chromium.mjs';

const DEMO_URL = process.env.KPS_DEMO_URL;
if (!DEMO_URL) throw new Error('KPS_DEMO_URL is not set: run this test through `cargo xtask test`');

const ARTIFACTS = new URL('./artifacts/', import.meta.url);
const FIXTURE = JSON.parse(await readFile(new URL('../../emulator/fixtures/default.json', import.meta.url), 'utf8'));
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const SERVERS = {
  stopped: 'd76baba7-ef09-40a2-87ff-3eafec0696e7',
  running: '3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
  noKeypair: '7b2e9c10-4d3a-4f6b-8e21-5a9c0d1e2f30',
  failing: 'e5a0c3f2-8b1d-4c7e-9f60-2d4b6a8c0e1f',
  forConsole: '5ba4e000-0000-4000-8000-000000000001',
  forKeyboard: '5ba4e000-0000-4000-8000-000000000002',
  forPhone: '5ba4e000-0000-4000-8000-000000000003',
  forAkSk: '5ba4e000-0000-4000-8000-000000000004',
  forStop: '5ba4e000-0000-4000-8000-000000000005',
  forNames: '5ba4e000-0000-4000-8000-000000000006',
  runningForAuth: '5ba4e000-0000-4000-8000-000000000009',
};
/** The emulator's fleet server `n` (`--fleet N`, emulator/README.md): stopped, key pair `KeyPair-fleet`. */
const fleetServer = (n) => `f1ee7000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** Servers `from`…`to` of the fleet, both included. */
const fleetRange = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => fleetServer(from + i));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let browser;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // From the fixture: the pre-filled server still has its key pair, and no task is left from an earlier run.
  const response = await fetch(new URL('/__emulator/reset', DEMO_URL), { method: 'POST' });
  assert.equal(response.status, 200, 'the emulator reset');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function emulatorServer(serverId) {
  const state = await (await fetch(new URL('/__emulator/state', DEMO_URL))).json();
  return state.projects.flatMap((project) => project.servers).find((server) => server.id === serverId);
}

/** Opens the demo page at `viewport` in a context closed after test `t`, and waits until the package is loaded. */
async function openDemo(t, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = recordPageProblems(page);
  const consoleMessages = [];
  page.on('console', (message) => consoleMessages.push(message.text()));
  const apiRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/v3/')) apiRequests.push(`${request.method()} ${request.url()}`);
  });
  await page.goto(DEMO_URL);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="failed"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('#status', 'data-state'), 'ready', await page.textContent('#status'));
  return { page, problems, consoleMessages, apiRequests };
}

/** Waits until the task panel reaches one of `states` and returns the one reached. */
async function taskOutcome(page, states = ['SUCCESS', 'FAILED', 'error', 'invalid', 'stopped']) {
  const selector = states.map((state) => `#task-panel[data-state="${state}"]`).join(', ');
  await page.waitForSelector(selector, { timeout: 15000 });
  return page.getAttribute('#task-panel', 'data-state');
}

async function errorDetails(page) {
  return page.$$eval('#error-details dd', (items) =>
    Object.fromEntries(items.map((dd) => [dd.dataset.key, dd.textContent])),
  );
}

/** Polls the task every 100 ms instead of the page's 500 (the emulator's tasks take under a second here). */
async function pollFast(page) {
  await page.click('#advanced summary');
  await page.fill('#interval-ms', '100');
}

const progressStates = (page) => page.$$eval('#progress li', (items) => items.map((item) => item.dataset.state));
const statusesSeen = (page) => page.$$eval('#task-log li', (items) => items.map((item) => item.dataset.status));

async function emulatorTasksOf(serverIds) {
  const state = await (await fetch(new URL('/__emulator/state', DEMO_URL))).json();
  const wanted = new Set(serverIds);
  return state.tasks.filter((task) => wanted.has(task.server_id));
}

/** Switches the page to its fleet mode and lists `servers` (lines as typed), polling every 100 ms. */
async function fillFleet(page, servers, { concurrency } = {}) {
  await page.check('input[name="mode"][value="fleet"]');
  await pollFast(page);
  if (concurrency !== undefined) await page.fill('#fleet-concurrency', String(concurrency));
  // Last: leaving the list for another input would check it there and then (live validation).
  await page.fill('#fleet-servers', servers.join('\n'));
}

/** Waits until the fleet panel reaches an end state and returns it. */
async function fleetOutcome(page, timeout = 60000) {
  const states = ['done', 'incomplete', 'stopped', 'invalid'];
  await page.waitForSelector(states.map((state) => `#fleet-panel[data-state="${state}"]`).join(', '), { timeout });
  return page.getAttribute('#fleet-panel', 'data-state');
}

const fleetTotals = (page) =>
  page.$$eval('#fleet-totals > div', (items) =>
    Object.fromEntries(items.map((item) => [item.dataset.total, Number(item.querySelector('dd').textContent)])),
  );

/** The fleet table as `{ serverId, outcome, taskId, status, attempts, error }` rows, in order. */
const fleetRows = (page) =>
  page.$$eval('#fleet-rows [role="row"]', (rows) =>
    rows.map((row) => {
      const cell = (column) => row.querySelector(`[data-column="${column}"]`);
      return {
        serverId: row.dataset.serverId,
        outcome: row.dataset.outcome,
        taskId: cell('task').textContent,
        status: cell('status').querySelector('code')?.textContent,
        attempts: Number(cell('attempts').textContent),
        error: cell('error').textContent,
      };
    }),
  );

/** Clicks `button` and returns the text of the file it downloads. */
async function downloadedText(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** The visible text of `selector` (innerText: what a reader sees, hidden parts left out). */
const visibleText = (page, selector) => page.$eval(selector, (element) => element.innerText);

/** Counts the occurrences of `needle` in `text`. */
const occurrences = (text, needle) => text.split(needle).length - 1;

const VALIDATION_CASES = [
  {
    name: 'a malformed project ID is highlighted on the project ID input',
    input: '#project-id',
    field: 'projectId',
    fill: async (page) => page.fill('#project-id', 'not-a-project'),
  },
  {
    name: 'a private key that is not PEM is highlighted on the private key input',
    input: '#auth-key',
    field: 'auth.key',
    fill: async (page) => {
      await page.fill('#server-id', SERVERS.running);
      await page.selectOption('#auth-type', 'keypair');
      await page.fill('#auth-key', 'this is not a private key');
    },
  },
  {
    name: 'an empty secret access key is highlighted on the secret access key input',
    input: '#secret-access-key',
    field: 'credentials.secretAccessKey',
    fill: async (page) => {
      await page.check('input[name="credential-mode"][value="aksk"]');
      await page.fill('#access-key-id', 'HPUAL7MDDNZ3EXAMPLE1');
    },
  },
];

describe('the demo page', { concurrency: 3 }, () => {
  it('unbinds the pre-filled stopped server with one click, shows SUCCESS, then forgets the token', async (t) => {
    const { page, problems } = await openDemo(t);
    assert.equal(await page.inputValue('#endpoint'), new URL(DEMO_URL).origin);
    assert.equal(await page.inputValue('#server-id'), SERVERS.stopped);
    assert.equal(await page.inputValue('#token'), 'emulator-token');

    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'SUCCESS', await page.textContent('#error-panel'));

    assert.match(await page.textContent('#task-id'), UUID);
    assert.match(await page.textContent('#task-summary'), /Succeeded/);
    assert.equal((await statusesSeen(page)).at(-1), 'SUCCESS_UNBIND');
    assert.deepEqual(await progressStates(page), ['done', 'done', 'done']);
    assert.equal((await emulatorServer(SERVERS.stopped)).keypair_name, null, 'the key pair is unbound on the server');
    assert.equal(await page.isHidden('#error-panel'), true);

    assert.equal(await page.inputValue('#token'), '', 'the token left the form after use');
    const stored = await page.evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookies: document.cookie,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, cookies: '' });
    assert.deepEqual(problems, []);
    await page.waitForSelector('#running-tasks tbody tr');
    await page.screenshot({ path: new URL('demo-desktop.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('unbinds a running server with its private key read from a .pem file, showing RUNNING then SUCCESS', async (t) => {
    const { page, problems } = await openDemo(t);
    const privateKey = FIXTURE.keypairs.find((keypair) => keypair.name === 'KeyPair-web').private_key;
    await page.fill('#server-id', SERVERS.running);
    await page.selectOption('#auth-type', 'keypair');
    await page.setInputFiles('#auth-key-file', {
      name: 'KeyPair-web.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from(privateKey),
    });
    await page.waitForFunction(() => document.getElementById('auth-key').value.length > 0);
    assert.equal(await page.inputValue('#auth-key'), privateKey);
    await pollFast(page);

    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'SUCCESS', await page.textContent('#error-panel'));
    const seen = await statusesSeen(page);
    assert.deepEqual(seen.slice(-2), ['RUNNING_UNBIND', 'SUCCESS_UNBIND']);
    assert.equal((await emulatorServer(SERVERS.running)).keypair_name, null);
    assert.equal(await page.inputValue('#auth-key'), '', 'the private key left the form');
    assert.deepEqual(problems, []);
  });

  it('signs with an access key pair (AK/SK) instead of a token, and clears the secret key after use', async (t) => {
    const { page, problems } = await openDemo(t);
    const pair = FIXTURE.credentials.find((credentials) => credentials.access_key_id === 'HPUAL7MDDNZ3EXAMPLE1');
    await page.check('input[name="credential-mode"][value="aksk"]');
    assert.equal(await page.isVisible('#token'), false, 'the token input is hidden in AK/SK mode');
    await page.fill('#access-key-id', pair.access_key_id);
    await page.fill('#secret-access-key', pair.secret_access_key);
    await page.fill('#server-id', SERVERS.forAkSk);
    await pollFast(page);
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/keypairs/disassociate')),
      page.click('#disassociate'),
    ]);
    assert.equal(await taskOutcome(page), 'SUCCESS', await page.textContent('#error-panel'));
    const headers = await request.allHeaders();
    assert.match(headers.authorization, /^SDK-HMAC-SHA256 Access=HPUAL7MDDNZ3EXAMPLE1, /);
    assert.equal(headers['x-auth-token'], undefined);
    assert.equal(await page.inputValue('#secret-access-key'), '');
    assert.equal(await page.inputValue('#access-key-id'), pair.access_key_id, 'the access key ID is not a secret');
    assert.deepEqual(problems, []);
  });

  for (const { name, input, field, fill } of VALIDATION_CASES) {
    it(`${name}, with the library's message, and sends nothing`, async (t) => {
      const { page, apiRequests } = await openDemo(t);
      await fill(page);
      await page.click('#disassociate');
      assert.equal(await taskOutcome(page), 'invalid');

      assert.equal(await page.getAttribute(input, 'aria-invalid'), 'true');
      const invalid = await page.$$eval('[aria-invalid="true"]', (elements) => elements.map((e) => `#${e.id}`));
      assert.deepEqual(invalid, [input], 'only the named input is highlighted');
      const note = await page.getAttribute(input, 'aria-errormessage');
      assert.equal(await page.getAttribute(`#${note}`, 'data-field'), field);
      assert.match(await page.textContent(`#${note}`), new RegExp(field.replace('.', '\\.')));
      assert.equal(await page.evaluate(() => `#${document.activeElement.id}`), input, 'the input has the focus');
      assert.deepEqual(apiRequests, []);
      assert.equal(await page.inputValue('#token'), 'emulator-token', 'secrets stay while nothing was sent');

      await page.fill(input, 'edited');
      assert.equal(await page.getAttribute(input, 'aria-invalid'), null, 'editing the input clears its error');
    });
  }

  it('shows an API error with its name, code, HTTP status and the request ID of the response', async (t) => {
    const { page } = await openDemo(t);
    await page.fill('#server-id', SERVERS.noKeypair);
    await page.check('#keep-secrets');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/keypairs/disassociate')),
      page.click('#disassociate'),
    ]);
    assert.equal(await taskOutcome(page), 'error');

    const details = await errorDetails(page);
    assert.equal(details.name, 'KpsApiError');
    assert.equal(details.code, 'KPS.6004');
    assert.equal(details['http-status'], '400');
    assert.equal(details['request-id'], response.headers()['x-request-id']);
    assert.match(details['request-id'], /^[0-9a-f]{32}$/);
    assert.ok(details.message.length > 0);
    assert.equal(await page.getAttribute('#error-panel', 'role'), 'alert');
    assert.equal(await page.inputValue('#token'), 'emulator-token', 'kept, as the checkbox asked');
    await page.screenshot({ path: new URL('demo-error-desktop.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('shows a task that fails as FAILED with each message once, lists it as failed, and Clear failed removes it', async (t) => {
    const { page } = await openDemo(t);
    await page.fill('#server-id', SERVERS.failing);
    await page.check('#keep-secrets');
    await pollFast(page);
    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'FAILED');

    const details = await errorDetails(page);
    assert.equal(details.name, 'KpsTaskFailedError');
    assert.equal(details.code, 'TASK_FAILED');
    assert.equal(details['task-error-code'], 'KPS.0003');
    assert.deepEqual(await progressStates(page), ['done', 'done', 'failed']);
    // Issue 13, item 9: the task's error appears once, not in a row of its own and again in the message.
    const shown = `${await visibleText(page, '#task-panel')}\n${await visibleText(page, '#error-panel')}`;
    assert.equal(occurrences(shown, details['task-error']), 1, shown);
    const taskId = await page.textContent('#task-id');
    await page.waitForSelector(`#failed-tasks tr[data-task-id="${taskId}"]`);
    assert.match(await page.textContent(`#failed-tasks tr[data-task-id="${taskId}"]`), /legacy-01.*KPS\.0003/s);

    await page.click('#clear-failed');
    await page.waitForSelector(`#failed-tasks tr[data-task-id="${taskId}"]`, { state: 'detached' });
    assert.match(await page.textContent('#failed-tasks tbody'), /No failed task/);
    assert.equal(await page.textContent('#failed-count'), '(0)');
    const failed = await fetch(new URL(`/v3/${PROJECT}/failed-tasks`, DEMO_URL), {
      headers: { 'X-Auth-Token': 'emulator-token' },
    });
    assert.equal((await failed.json()).total, 0, 'the emulator has no failed task left');
  });

  it('exposes the module as window.kps for page script, and the console says how to call it', async (t) => {
    const { page, consoleMessages } = await openDemo(t);
    const taskId = await page.evaluate(
      ({ projectId, serverId }) =>
        window.kps.disassociateKeypair({ endpoint: location.origin, token: 'emulator-token', projectId, serverId }),
      { projectId: PROJECT, serverId: SERVERS.forConsole },
    );
    assert.match(taskId, UUID);
    assert.equal(await page.evaluate(() => window.kps.version()), await page.getAttribute('#status', 'data-version'));
    assert.ok(
      consoleMessages.some((text) => text.includes('window.kps') && text.includes('await kps.disassociateKeypair({')),
      `console messages: ${consoleMessages.join(' | ')}`,
    );
  });

  it('checks an input as soon as the user leaves it, with the library rules, without moving the focus', async (t) => {
    const { page } = await openDemo(t);
    await page.fill('#project-id', '0A1B2C');
    await page.press('#project-id', 'Tab');
    const note = page.locator('#project-id-error');
    await note.waitFor({ timeout: 5000 });
    assert.match(await note.textContent(), /32/);
    assert.equal(await page.getAttribute('#project-id', 'aria-invalid'), 'true');
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'project-id');
    await page.fill('#project-id', PROJECT);
    await page.press('#project-id', 'Tab');
    assert.equal(await page.locator('#project-id-error').count(), 0);
    assert.equal(await page.getAttribute('#project-id', 'aria-invalid'), null);
  });

  it("shows the problem of the input just left even when another input, checked first, has one too", async (t) => {
    const { page } = await openDemo(t);
    // The token is checked before the server ID, and an empty one is a problem of its own (emptied without
    // focusing it: leaving it would rightly show that problem).
    await page.$eval('#token', (input) => {
      input.value = '';
    });
    await page.fill('#server-id', 'not-a-uuid');
    await page.press('#server-id', 'Tab');
    const note = page.locator('#server-id-error');
    await note.waitFor({ timeout: 5000 });
    assert.match(await note.textContent(), /serverId/);
    assert.equal(await page.getAttribute('#token', 'aria-invalid'), null, 'only the input just left is marked');
  });

  it('works from the keyboard alone: Tab to the server ID, type it, Tab to Disassociate, Enter, SUCCESS', async (t) => {
    const { page } = await openDemo(t);
    /** Presses Tab until the element with `id` has the focus (at most 60 times). */
    async function tabTo(id) {
      for (let presses = 0; presses < 60; presses += 1) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((wanted) => document.activeElement?.id === wanted, id)) return;
      }
      assert.fail(`Tab never reached #${id}`);
    }
    await tabTo('server-id');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(SERVERS.forKeyboard);
    await tabTo('disassociate');
    await page.keyboard.press('Enter');
    assert.equal(await taskOutcome(page), 'SUCCESS', await page.textContent('#error-panel'));
    assert.equal((await emulatorServer(SERVERS.forKeyboard)).keypair_name, null);
  });

  it('fits a phone screen without sideways scrolling, and a click there works', async (t) => {
    const { page, problems } = await openDemo(t, PHONE);
    await page.fill('#server-id', SERVERS.forPhone);
    await pollFast(page);
    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'SUCCESS', await page.textContent('#error-panel'));
    await page.waitForSelector('#running-tasks tbody tr');
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
    assert.ok(widths.scroll <= widths.view, `the page is ${widths.scroll}px wide in a ${widths.view}px screen`);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: new URL('demo-phone.png', ARTIFACTS).pathname, fullPage: true });
  });
  // Issue 13, item 9: the page as an admin reads it.

  it('names the server, its key pair and the request ID on success, not only the task ID', async (t) => {
    const { page } = await openDemo(t);
    await page.fill('#server-id', SERVERS.forNames);
    await pollFast(page);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/keypairs/disassociate')),
      page.click('#disassociate'),
    ]);
    assert.equal(await taskOutcome(page), 'SUCCESS', await page.textContent('#error-panel'));
    await page.waitForFunction(() => document.getElementById('task-keypair').textContent !== '');
    const summary = await page.textContent('#task-summary');
    assert.match(summary, /^Succeeded: key pair KeyPair-spare is unbound from spare-06\. /);
    assert.equal(await page.textContent('#task-server-name'), 'spare-06');
    assert.equal(await page.textContent('#task-server-id'), SERVERS.forNames);
    assert.equal(await page.textContent('#task-keypair'), 'KeyPair-spare');
    assert.match(await page.textContent('#task-id'), UUID);
    assert.equal(await page.textContent('#task-request-id'), response.headers()['x-request-id']);
    assert.match(await page.textContent('#task-request-id'), /^[0-9a-f]{32}$/);
  });

  it('highlights the Server auth input with the message when a running server gets no key (KPS.6005)', async (t) => {
    const { page } = await openDemo(t);
    await page.fill('#server-id', SERVERS.runningForAuth);
    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'error');

    assert.equal(await page.getAttribute('#auth-type', 'aria-invalid'), 'true');
    const note = await page.getAttribute('#auth-type', 'aria-errormessage');
    assert.match(await page.textContent(`#${note}`), /^KPS\.6005: .*running.*KeyPair-spare/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'auth-type', 'the input has the focus');
    assert.match(await page.textContent('#task-summary'), /correct the highlighted input/);
    const details = await errorDetails(page);
    assert.equal(details.code, 'KPS.6005');
    assert.match(details['request-id'], /^[0-9a-f]{32}$/, 'the request ID stays, for support');
    assert.equal(details.message, 'Shown at Server auth, in the form.', 'the message is not shown twice');
  });

  it('keeps the token after a failed request, so a retry needs no paste, and forgets it on a button', async (t) => {
    const { page } = await openDemo(t);
    await page.fill('#server-id', SERVERS.noKeypair);
    assert.equal(await page.isChecked('#keep-secrets'), false);
    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'error');
    assert.equal(await page.inputValue('#token'), 'emulator-token', 'the token stays after a failure');

    await page.click('#forget-secrets');
    assert.equal(await page.inputValue('#token'), '');
    assert.equal(await page.getAttribute('#token', 'placeholder'), 'Cleared');
    assert.equal(await page.isChecked('#keep-secrets'), false, 'the choice is left as it was');
  });

  it('shows no HTTP status when there was no response', async (t) => {
    const { page } = await openDemo(t);
    // The emulator drops the connection (TCP reset) without acting: a network error, status 0.
    await page.fill('#endpoint', new URL('/__emulator/fault/reset', DEMO_URL).href);
    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'error');
    const details = await errorDetails(page);
    assert.equal(details.name, 'KpsNetworkError');
    assert.equal(details['http-status'], undefined, `rows: ${Object.keys(details).join(', ')}`);
    assert.doesNotMatch(await visibleText(page, '#error-panel'), /HTTP status/);
  });

  it('fits the task tables in 1280 px without cutting a Task ID or a Delete button', async (t) => {
    const { page } = await openDemo(t, DESKTOP);
    // The lists as KPS could send them, with long names and a long error: the layout, not the data, is tested.
    const task = (n, extra) => ({
      task_id: `7a5c${n}e00-0000-4000-8000-00000000000${n}`,
      operate_type: 'RUNNING_UNBIND',
      task_time: String(Date.UTC(2025, 0, 2, 3, 4, 5)),
      server_name: `ecs-production-frontend-eu-${n}`,
      server_id: `5e7e${n}000-0000-4000-8000-00000000000${n}`,
      keypair_name: 'KeyPair-production-2024',
      ...extra,
    });
    const failure = {
      operate_type: 'FAILED_UNBIND',
      task_error_code: 'KPS.0003',
      task_error_msg: 'dependency service unavailable: the password reset plug-in (CloudResetPwdAgent) did not answer',
    };
    const lists = {
      'running-tasks': { total: 2, tasks: [task(1), task(2)] },
      'failed-tasks': { total: 2, tasks: [task(3, failure), task(4, failure)] },
    };
    await page.route(/\/v3\/[0-9a-f]{32}\/(running|failed)-tasks/, (route) => {
      const list = new URL(route.request().url()).pathname.split('/').at(-1);
      return route.fulfill({
        status: 200,
        contentType: 'application/json;charset=UTF-8',
        headers: { 'X-Request-Id': '0'.repeat(32) },
        body: JSON.stringify(lists[list]),
      });
    });
    await page.click('#refresh-tasks');
    await page.waitForSelector('#failed-tasks tbody tr[data-task-id] button');

    const cut = await page.evaluate(() => {
      const problems = [];
      for (const region of document.querySelectorAll('#tasks .table-scroll')) {
        const box = region.getBoundingClientRect();
        if (region.scrollWidth > region.clientWidth) {
          problems.push(`${region.getAttribute('aria-labelledby')} scrolls: ${region.scrollWidth} > ${region.clientWidth}`);
        }
        const wanted = region.querySelectorAll('td[data-label="Task ID"] code, td button');
        for (const element of wanted) {
          const { left, right } = element.getBoundingClientRect();
          if (left < box.left || right > box.right) problems.push(`${element.textContent} is cut (${left}–${right})`);
        }
      }
      return problems;
    });
    assert.deepEqual(cut, []);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
    assert.ok(widths.scroll <= widths.view, `the page is ${widths.scroll}px wide in a ${widths.view}px window`);
    await page.screenshot({ path: new URL('demo-tasks-desktop.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('shows the whole project ID on a phone, and an error box whose message reads as sentences', async (t) => {
    const { page } = await openDemo(t, PHONE);
    for (const input of ['#project-id', '#server-id']) {
      const { scroll, client } = await page.$eval(input, (e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      assert.ok(scroll <= client, `${input} shows ${client}px of its ${scroll}px`);
    }
    await page.fill('#server-id', SERVERS.noKeypair);
    await page.click('#disassociate');
    assert.equal(await taskOutcome(page), 'error');
    const { message, list } = await page.evaluate(() => ({
      message: document.querySelector('#error-details dd[data-key="message"]').getBoundingClientRect().width,
      list: document.getElementById('error-details').getBoundingClientRect().width,
    }));
    assert.ok(message >= 0.9 * list, `the message has ${message}px of the box's ${list}px`);
    await page.screenshot({ path: new URL('demo-error-phone.png', ARTIFACTS).pathname, fullPage: true });
  });

  // Issue 14, item 4: the fleet mode.

  it('unbinds a fleet to the end with live rows and the totals right, and downloads the report', async (t) => {
    const { page } = await openDemo(t);
    const servers = [...fleetRange(11, 30), SERVERS.noKeypair];
    await fillFleet(page, servers, { concurrency: 4 });
    assert.match(await page.textContent('#fleet-count'), /\(21 servers\)/);
    await page.click('#start-fleet');
    assert.equal(await fleetOutcome(page), 'incomplete', await page.textContent('#fleet-summary'));

    assert.deepEqual(await fleetTotals(page), { total: 21, succeeded: 20, failed: 1, started: 0, notStarted: 0 });
    assert.match(await page.textContent('#fleet-summary'), /^Done: 20 of 21 unbound, 1 failed\. \d+ API requests\.$/);
    const rows = await fleetRows(page);
    assert.deepEqual(rows.map((row) => row.serverId), servers, 'one row per server, in the order listed');
    for (const row of rows.slice(0, 20)) {
      assert.equal(row.outcome, 'succeeded');
      assert.match(row.taskId, UUID);
      assert.equal(row.status, 'SUCCESS_UNBIND');
      assert.equal(row.attempts, 1);
    }
    assert.equal(rows[20].outcome, 'failed');
    assert.match(rows[20].error, /^KPS\.6004 /);
    const tasks = await emulatorTasksOf(servers);
    assert.deepEqual(
      tasks.map((task) => task.task_id).sort(),
      rows.slice(0, 20).map((row) => row.taskId).sort(),
      'exactly the emulator\'s tasks, one per server',
    );
    for (const serverId of servers.slice(0, 20)) assert.equal((await emulatorServer(serverId)).keypair_name, null);

    const csv = await downloadedText(page, '#download-csv');
    assert.match(csv.name, /^kps-fleet-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
    const lines = csv.text.trimEnd().split('\r\n');
    assert.equal(lines[0], 'serverId,outcome,taskId,status,attempts,errorCode,errorMessage');
    assert.equal(lines.length, 1 + servers.length, 'a header, then one line per server');
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[0]), servers);
    assert.equal(lines[1], [servers[0], 'succeeded', rows[0].taskId, 'SUCCESS_UNBIND', '1', '', ''].join(','));
    assert.match(lines[21], new RegExp(`^${SERVERS.noKeypair},failed,,,1,KPS\\.6004,`));

    const json = await downloadedText(page, '#download-json');
    assert.match(json.name, /\.json$/);
    const report = JSON.parse(json.text);
    assert.equal(report.total, 21);
    assert.equal(report.succeeded, 20);
    assert.equal(report.aborted, false);
    assert.deepEqual(report.results.map((result) => result.taskId), rows.map((row) => row.taskId || undefined));
    assert.equal(report.results[20].error.code, 'KPS.6004');
    await page.screenshot({ path: new URL('demo-fleet-desktop.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('stops a fleet mid-way on Stop and keeps every started task listed with its ID', async (t) => {
    const { page } = await openDemo(t);
    const servers = fleetRange(31, 70);
    // Each request waits 250 ms at the emulator (a per-request path fault: other cases are not slowed).
    await page.fill('#endpoint', new URL('/__emulator/fault/delay=250', DEMO_URL).href);
    await fillFleet(page, servers, { concurrency: 2 });
    await page.click('#start-fleet');
    await page.waitForFunction(
      () => document.querySelectorAll('#fleet-rows [data-column="task"] code').length >= 4,
      undefined,
      { timeout: 30000 },
    );
    await page.click('#stop-fleet');
    assert.equal(await fleetOutcome(page), 'stopped', await page.textContent('#fleet-summary'));

    const rows = await fleetRows(page);
    const totals = await fleetTotals(page);
    const started = rows.filter((row) => row.outcome === 'started');
    const notStarted = rows.filter((row) => row.outcome === 'not-started');
    assert.ok(notStarted.length > 0, 'the fleet was stopped before its end');
    assert.equal(totals.started, started.length);
    assert.equal(totals.notStarted, notStarted.length);
    assert.equal(totals.succeeded + totals.failed + totals.started + totals.notStarted, servers.length);
    for (const row of notStarted) assert.equal(row.taskId, '');
    for (const row of started) assert.match(row.taskId, UUID);
    assert.match(
      await page.textContent('#fleet-summary'),
      new RegExp(`^Stopped: ${totals.succeeded} unbound, .*${totals.notStarted} not started\\.`),
    );
    // Nothing started is lost: every task the emulator has for these servers is listed, with its ID.
    const tasks = await emulatorTasksOf(servers);
    assert.ok(tasks.length >= 4);
    const listed = new Map(rows.map((row) => [row.serverId, row.taskId]));
    for (const task of tasks) assert.equal(listed.get(task.server_id), task.task_id, `the task of ${task.server_id}`);
    // Ready for the next fleet once the task lists (slowed down too) are read again.
    await page.waitForSelector('#start-fleet:enabled');
    assert.equal(await page.isEnabled('#download-json'), true);
    const report = JSON.parse((await downloadedText(page, '#download-json')).text);
    assert.equal(report.aborted, true);
    await page.screenshot({ path: new URL('demo-fleet-stopped-desktop.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('highlights a bad fleet entry on its line, with the library message, and sends nothing', async (t) => {
    const { page, apiRequests } = await openDemo(t);
    await fillFleet(page, [fleetServer(71), '# the web servers', '', 'not-a-server-id', fleetServer(72)]);
    await page.click('#start-fleet');
    assert.equal(await fleetOutcome(page), 'invalid');
    assert.equal(await page.getAttribute('#fleet-servers', 'aria-invalid'), 'true');
    const note = page.locator('#fleet-servers-error');
    assert.equal(await note.getAttribute('data-field'), 'servers[1]');
    assert.match(await note.textContent(), /^Line 4: servers\[1\] must be a UUID/);
    const selected = await page.$eval('#fleet-servers', (e) => e.value.slice(e.selectionStart, e.selectionEnd));
    assert.equal(selected, 'not-a-server-id', 'the bad line is selected');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'fleet-servers');
    assert.deepEqual(apiRequests, []);
    assert.equal(await page.inputValue('#token'), 'emulator-token');
  });

  it('keeps a 200-server fleet table in place: each change rewrites its own row, never the table', async (t) => {
    const { page, problems } = await openDemo(t);
    const servers = fleetRange(101, 300);
    await fillFleet(page, servers, { concurrency: 16 });
    await page.evaluate(() => {
      window.tableRewrites = 0;
      new MutationObserver((records) => {
        window.tableRewrites += records.length;
      }).observe(document.getElementById('fleet-rows'), { childList: true });
    });
    await page.click('#start-fleet');
    await page.waitForSelector('#fleet-rows [data-outcome="succeeded"]', { timeout: 30000 });
    await page.$eval('#fleet-rows [role="row"]', (row) => {
      row.dataset.marked = 'yes';
    });
    assert.equal(await fleetOutcome(page, 120000), 'done', await page.textContent('#fleet-summary'));
    assert.deepEqual(await fleetTotals(page), { total: 200, succeeded: 200, failed: 0, started: 0, notStarted: 0 });
    assert.equal(await page.evaluate(() => window.tableRewrites), 1, 'the rows were put in once, at the start');
    assert.equal(await page.getAttribute('#fleet-rows [role="row"]', 'data-marked'), 'yes', 'the same row element');
    assert.equal(await page.locator('#fleet-rows [role="row"]').count(), 200);
    assert.deepEqual(problems, []);
  });

  it('runs a fleet on a phone without sideways scrolling', async (t) => {
    const { page, problems } = await openDemo(t, PHONE);
    await fillFleet(page, fleetRange(81, 90));
    await page.click('#start-fleet');
    assert.equal(await fleetOutcome(page), 'done', await page.textContent('#fleet-summary'));
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
    assert.ok(widths.scroll <= widths.view, `the page is ${widths.scroll}px wide in a ${widths.view}px screen`);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: new URL('demo-fleet-phone.png', ARTIFACTS).pathname, fullPage: true });
  });
});

// Alone, after the others: it holds the next task poll on the emulator, which would slow any test polling then.
describe('the demo page while a task poll is in flight', () => {
  it('stops following the task on Stop waiting, and the form is ready for the next one', async (t) => {
    const faults = new URL('/__emulator/faults', DEMO_URL);
    const rule = { fault: 'delay=10000', path: '/tasks/', method: 'GET', times: 1 };
    const created = await fetch(faults, { method: 'POST', body: JSON.stringify(rule) });
    assert.equal(created.status, 201, 'the emulator holds the next task poll');
    t.after(() => fetch(faults, { method: 'DELETE' }));
    const { page } = await openDemo(t);
    await page.fill('#server-id', SERVERS.forStop);
    await page.click('#disassociate');
    await page.waitForSelector('#stop-waiting:not([hidden])');
    const clicked = performance.now();
    await page.click('#stop-waiting');
    assert.equal(await taskOutcome(page), 'stopped');
    assert.ok(performance.now() - clicked < 5000, 'it stopped at once, not when the held poll ended');
    assert.match(await page.textContent('#task-summary'), /Stopped watching/);
    assert.equal(await page.isHidden('#error-panel'), true);
    assert.equal(await page.isHidden('#stop-waiting'), true);
    // Ready once the task lists shown after stopping are read again (two GETs: not instant on a busy machine).
    await page.waitForSelector('#disassociate:enabled', { timeout: 5000 });
  });
});
