// The demo page: loads kps-wasm from /pkg/ like any page would (see the import map in index.html), and drives
// disassociateKeypair, waitForKeypairTask, disassociateKeypairs and the task lists from the form.
import {
  EMULATOR_VALUES,
  clearFieldErrors,
  clearSecrets,
  fillEmulatorValues,
  fillFleet,
  keepSecrets,
  labelOf,
  readClientOptions,
  readDisassociateOptions,
  readFleetOptions,
  readIntervalMs,
  readProjectId,
  setUpForm,
  showFieldError,
  problemWith,
  showProblemWith,
  unbindMode,
} from './options-form.js';
import {
  hideError,
  noteListedTasks,
  resetTaskPanel,
  showError,
  showInvalid,
  showRequestId,
  showSending,
  showStoppedWaiting,
  showTaskError,
  showTaskLists,
  showTaskListsSummary,
  showTaskStarted,
  showTaskStatus,
} from './task-views.js';
import {
  download,
  showFleetInvalid,
  showFleetProgress,
  showFleetReport,
  showFleetStarting,
  showFleetStopping,
} from './fleet-view.js';
import { reportCsv, reportFileName, reportJson } from './fleet-report.js';
import { emulatorState, fleetServersOf, rateLimit, resetEmulator, setRateLimit } from './emulator-controls.js';

const $ = (id) => document.getElementById(id);
const ACTION_BUTTONS = ['disassociate', 'start-fleet', 'refresh-tasks', 'clear-failed'];

let kps;
let busy = false;
let stopWaiting = null;
let stopFleet = null;
/** The last fleet's report, for the downloads. */
let lastFleet = null;

function setBusy(value) {
  busy = value;
  for (const id of ACTION_BUTTONS) $(id).disabled = value;
  for (const button of document.querySelectorAll('#failed-tasks button')) button.disabled = value;
  // The panel of the other mode would hide a run in progress.
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.disabled = value;
}

const isValidationError = (error) => kps.isKpsError(error) && error.name === 'KpsValidationError';

/**
 * API errors about one input of the form, shown at that input as validation errors are (the error panel
 * keeps the code and request ID). A hidden input (a key for a server given none) leaves it in the panel.
 */
const INPUT_OF_API_ERROR = {
  'KPS.6005': 'auth', // a running server, and no key given
  'KPS.6009': 'auth.key', // the key or password does not match
  'KPS.6011': 'auth.key', // the private key does not match the key pair
  'KPS.9001': 'token', // the token is not accepted
};

/**
 * Shows a failure: a validation error next to the input it names, an API error about one input there too
 * (with its details in the error panel), anything else in the error panel. Returns where: `field` or `panel`.
 */
function showFailure(error) {
  if (isValidationError(error) && showFieldError(error.field, error.message)) return 'field';
  const field = kps.isKpsError(error) ? INPUT_OF_API_ERROR[error.code] : undefined;
  if (field && showFieldError(field, `${error.code}: ${error.message}`)) {
    showError(error, { shownAt: labelOf(field) });
    return 'field';
  }
  showError(error);
  return 'panel';
}

/**
 * Runs `action(client, projectId)` with the options in the form, one action at a time. The secrets leave the
 * form when the action reports a key pair unbound (unless the user keeps them): after a failure they stay, so
 * that a retry does not mean pasting them again.
 */
async function runAction(action) {
  if (busy) return;
  clearFieldErrors();
  hideError();
  setBusy(true);
  let unbound = false;
  try {
    unbound = await action(readClientOptions(), readProjectId());
  } finally {
    if (unbound === true && !keepSecrets()) forgetSecrets('Cleared after use');
    setBusy(false);
  }
}

function forgetSecrets(placeholder) {
  clearSecrets();
  for (const input of document.querySelectorAll('input[data-secret]:not([type="file"])')) {
    input.placeholder = placeholder;
  }
}

/** On a phone the results are below the form: bring `panel` into view when a request starts. */
function reveal(panel) {
  const { top } = panel.getBoundingClientRect();
  if (top >= 0 && top < innerHeight / 2) return;
  const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
  panel.scrollIntoView({ block: 'start', behavior: reduceMotion ? 'auto' : 'smooth' });
}

/** Counts list refreshes, so that one answered late never replaces a newer one. */
let listRefreshes = 0;

/** Lists running and failed tasks. */
async function refreshTaskLists(client, projectId, { quiet = false } = {}) {
  const refresh = ++listRefreshes;
  try {
    const [running, failed] = await Promise.all([
      kps.listRunningTasks({ ...client, projectId }),
      kps.listFailedTasks({ ...client, projectId }),
    ]);
    noteListedTasks(running, failed);
    if (refresh === listRefreshes) showTaskLists(running, failed, deleteFailedTasks);
  } catch (error) {
    if (refresh !== listRefreshes) return;
    showTaskListsSummary(`Could not list the tasks: ${error.code ?? error.name}: ${error.message}`);
    if (!quiet) showFailure(error);
  }
}

/**
 * The unbind's request ID, for support and audit logs: the one of its 2xx answer (a throttled attempt that was
 * retried has its own).
 */
function noteRequestId({ status, requestId }) {
  if (status >= 200 && status < 300 && requestId) showRequestId(requestId);
}

/** Unbinds one server and follows its task. Returns whether the key pair was unbound. */
async function disassociate(client, projectId) {
  const options = readDisassociateOptions();
  const intervalMs = readIntervalMs();
  showSending(options.serverId);
  reveal($('task-panel'));
  let taskId;
  try {
    taskId = await kps.disassociateKeypair({ ...options, onResponse: noteRequestId });
  } catch (error) {
    if (isValidationError(error)) showInvalid();
    const shownAt = showFailure(error);
    if (!isValidationError(error)) {
      showTaskError(shownAt === 'field' ? 'correct the highlighted input' : 'see the error below');
    }
    return false;
  }
  showTaskStarted(taskId);
  const startedAt = performance.now();
  // Not awaited: the lists show the new task (and name its server) while the wait starts.
  refreshTaskLists(client, projectId, { quiet: true });
  const controller = new AbortController();
  stopWaiting = () => controller.abort();
  $('stop-waiting').hidden = false;
  let unbound = false;
  try {
    const task = await kps.waitForKeypairTask({
      ...client,
      projectId,
      taskId,
      intervalMs,
      signal: controller.signal,
      onProgress: (progress) => {
        showTaskStatus(progress.status, startedAt);
        refreshTaskLists(client, projectId, { quiet: true });
      },
    });
    showTaskStatus(task.status, startedAt);
    unbound = true;
  } catch (error) {
    if (kps.isKpsError(error) && error.name === 'KpsAbortError' && controller.signal.aborted) {
      showStoppedWaiting();
    } else if (kps.isKpsError(error) && error.name === 'KpsTaskFailedError') {
      showTaskStatus(error.task?.status ?? 'FAILED_UNBIND', startedAt);
      showError(error);
    } else {
      showTaskError();
      showFailure(error);
    }
  } finally {
    stopWaiting = null;
    $('stop-waiting').hidden = true;
  }
  await refreshTaskLists(client, projectId, { quiet: true });
  return unbound;
}

/** Unbinds every listed server with disassociateKeypairs. Returns whether every key pair was unbound. */
async function disassociateFleet(client, projectId) {
  const options = readFleetOptions();
  const problem = kps.validateOptions('disassociateKeypairs', options);
  if (problem) {
    showFleetInvalid();
    showFailure(problem);
    return false;
  }
  const controller = new AbortController();
  stopFleet = () => {
    controller.abort();
    showFleetStopping();
  };
  showFleetStarting(options.servers.map((server) => server.serverId ?? server), options);
  reveal($('fleet-panel'));
  let report;
  try {
    report = await kps.disassociateKeypairs({ ...options, signal: controller.signal, onProgress: showFleetProgress });
  } catch (error) {
    // Only invalid options reject, and they were checked above: a library that disagrees with itself.
    showFleetInvalid();
    showFailure(error);
    return false;
  } finally {
    stopFleet = null;
  }
  lastFleet = { report, finishedAt: new Date() };
  showFleetReport(report);
  await refreshTaskLists(client, projectId, { quiet: true });
  return report.succeeded === report.total;
}

/** Deletes one failed task, or every one when `taskId` is undefined, then lists the tasks again. */
function deleteFailedTasks(taskId) {
  return runAction(async (client, projectId) => {
    try {
      await kps.deleteFailedTask({ ...client, projectId, taskId });
    } catch (error) {
      showFailure(error);
      return false;
    }
    await refreshTaskLists(client, projectId);
    return false;
  });
}

function downloadReport(extension) {
  if (!lastFleet) return;
  const { report, finishedAt } = lastFleet;
  const name = reportFileName(finishedAt, extension);
  if (extension === 'csv') download(name, 'text/csv;charset=utf-8', reportCsv(report));
  else download(name, 'application/json', reportJson(report));
}

function consoleExample() {
  return [
    'await kps.disassociateKeypair({',
    `  endpoint: location.origin, token: '${EMULATOR_VALUES.token}',`,
    `  projectId: '${EMULATOR_VALUES.projectId}',`,
    `  serverId: '${EMULATOR_VALUES.serverId}',`,
    '})',
  ].join('\n');
}

async function showEmulatorPanel() {
  const state = await emulatorState();
  if (!state) return;
  $('emulator-panel').hidden = false;
  const summary = (text) => {
    $('emulator-summary').textContent = text;
  };
  $('fill-defaults').addEventListener('click', () => {
    clearFieldErrors();
    fillEmulatorValues();
    summary('The form holds the emulator\'s values again.');
  });
  $('reset-emulator').addEventListener('click', async () => {
    try {
      await resetEmulator();
      resetTaskPanel();
      showTaskListsSummary('The emulator was reset: press Refresh to list its tasks.');
      summary('Reset: every server has its key pair again, and no task is left.');
    } catch (error) {
      summary(`Could not reset the emulator: ${error.message}`);
    }
  });
  const fleet = fleetServersOf(state);
  if (fleet.length > 0) {
    $('emulator-fleet').hidden = false;
    $('emulator-fleet-size').textContent = String(fleet.length);
    $('fill-fleet').addEventListener('click', () => {
      document.querySelector('input[name="mode"][value="fleet"]').click();
      fillFleet(fleet);
      summary(`The fleet's list holds the emulator's ${fleet.length} fleet servers.`);
    });
  }
  $('rate-limit').value = String(await rateLimit().catch(() => ''));
  $('rate-limit-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const perSecond = await setRateLimit(Number($('rate-limit').value.trim() || 0));
      summary(perSecond ? `The gateway now lets ${perSecond} requests a second through.` : 'No rate limit.');
    } catch (error) {
      summary(`Could not set the rate limit: ${error.message}`);
    }
  });
}

async function main() {
  setUpForm();
  const status = $('status');
  try {
    kps = await import('kps-wasm');
    status.textContent = `kps-wasm ${kps.version()} is loaded.`;
    status.dataset.version = kps.version();
    status.dataset.state = 'ready';
  } catch (error) {
    status.textContent = `kps-wasm failed to load: ${error.message}`;
    status.dataset.state = 'failed';
    return;
  }
  window.kps = kps;
  $('console-example').textContent = consoleExample();
  console.info(`kps-wasm ${kps.version()} is window.kps. Try, against the local emulator:\n${consoleExample()}`);

  $('disassociate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runAction(unbindMode() === 'fleet' ? disassociateFleet : disassociate);
  });
  // Live validation with the library's own rules: an input shows its problem as the user leaves it, even
  // when another input (perhaps not filled in yet) has one too. Not when the user is heading for a button:
  // the note would shift the layout under the click, and the submit validates anyway.
  $('disassociate-form').addEventListener('focusout', (event) => {
    if (event.relatedTarget instanceof HTMLButtonElement) return;
    const [operation, options] =
      unbindMode() === 'fleet'
        ? ['disassociateKeypairs', readFleetOptions()]
        : ['disassociateKeypair', readDisassociateOptions()];
    const validate = (candidate) => kps.validateOptions(operation, candidate);
    showProblemWith(event.target, problemWith(event.target, validate, options));
  });
  $('stop-waiting').addEventListener('click', () => stopWaiting?.());
  $('stop-fleet').addEventListener('click', () => stopFleet?.());
  $('download-csv').addEventListener('click', () => downloadReport('csv'));
  $('download-json').addEventListener('click', () => downloadReport('json'));
  $('forget-secrets').addEventListener('click', () => forgetSecrets('Cleared'));
  $('refresh-tasks').addEventListener('click', () => runAction(refreshTaskLists));
  $('clear-failed').addEventListener('click', () => deleteFailedTasks());
  setBusy(false);
  await showEmulatorPanel();
}

main();
