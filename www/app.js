// The demo page: loads kps-wasm from /pkg/ like any page would (see the import map in index.html), and drives
// disassociateKeypair, waitForKeypairTask and the task lists from the form.
import {
  EMULATOR_VALUES,
  clearFieldErrors,
  clearSecrets,
  fillEmulatorValues,
  keepSecrets,
  readClientOptions,
  readDisassociateOptions,
  readIntervalMs,
  readProjectId,
  setUpForm,
  showFieldError,
  problemWith,
  showProblemWith,
} from './options-form.js';
import {
  hideError,
  resetTaskPanel,
  showError,
  showInvalid,
  showSending,
  showStoppedWaiting,
  showTaskError,
  showTaskLists,
  showTaskListsSummary,
  showTaskStarted,
  showTaskStatus,
} from './task-views.js';
import { isServedByEmulator, resetEmulator } from './emulator-controls.js';

const $ = (id) => document.getElementById(id);
const ACTION_BUTTONS = ['disassociate', 'refresh-tasks', 'clear-failed'];

let kps;
let busy = false;
let stopWaiting = null;

function setBusy(value) {
  busy = value;
  for (const id of ACTION_BUTTONS) $(id).disabled = value;
  for (const button of document.querySelectorAll('#failed-tasks button')) button.disabled = value;
}

const isValidationError = (error) => kps.isKpsError(error) && error.name === 'KpsValidationError';

/** Shows a failure: a validation error next to the input it names, anything else in the error panel. */
function report(error) {
  if (isValidationError(error) && showFieldError(error.field, error.message)) return;
  showError(error);
}

/**
 * Runs `action(client, projectId)` with the options in the form, one action at a time. Once a request has
 * been sent (anything but a validation error), the secrets leave the form unless the user keeps them.
 */
async function runAction(action) {
  if (busy) return;
  clearFieldErrors();
  hideError();
  setBusy(true);
  let sent = false;
  try {
    sent = await action(readClientOptions(), readProjectId());
  } finally {
    if (sent && !keepSecrets()) forgetSecrets();
    setBusy(false);
  }
}

function forgetSecrets() {
  clearSecrets();
  for (const input of document.querySelectorAll('input[data-secret]:not([type="file"])')) {
    input.placeholder = 'Cleared after use';
  }
}

/** On a phone the results are below the form: bring the task panel into view when a request starts. */
function revealTaskPanel() {
  const panel = $('task-panel');
  const { top } = panel.getBoundingClientRect();
  if (top >= 0 && top < innerHeight / 2) return;
  const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
  panel.scrollIntoView({ block: 'start', behavior: reduceMotion ? 'auto' : 'smooth' });
}

/** Counts list refreshes, so that one answered late never replaces a newer one. */
let listRefreshes = 0;

/** Lists running and failed tasks. Returns whether a request was sent. */
async function refreshTaskLists(client, projectId, { quiet = false } = {}) {
  const refresh = ++listRefreshes;
  try {
    const [running, failed] = await Promise.all([
      kps.listRunningTasks({ ...client, projectId }),
      kps.listFailedTasks({ ...client, projectId }),
    ]);
    if (refresh === listRefreshes) showTaskLists(running, failed, deleteFailedTasks);
    return true;
  } catch (error) {
    if (refresh !== listRefreshes) return !isValidationError(error);
    showTaskListsSummary(`Could not list the tasks: ${error.code ?? error.name}: ${error.message}`);
    if (!quiet) report(error);
    return !isValidationError(error);
  }
}

async function disassociate(client, projectId) {
  const options = readDisassociateOptions();
  const intervalMs = readIntervalMs();
  showSending(options.serverId);
  revealTaskPanel();
  let taskId;
  try {
    taskId = await kps.disassociateKeypair(options);
  } catch (error) {
    if (isValidationError(error)) showInvalid();
    else showTaskError();
    report(error);
    return !isValidationError(error);
  }
  showTaskStarted(taskId);
  const startedAt = performance.now();
  // Not awaited: the lists show the new task while the wait starts (a later refresh supersedes this one).
  refreshTaskLists(client, projectId, { quiet: true });
  const controller = new AbortController();
  stopWaiting = () => controller.abort();
  $('stop-waiting').hidden = false;
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
  } catch (error) {
    if (kps.isKpsError(error) && error.name === 'KpsAbortError' && controller.signal.aborted) {
      showStoppedWaiting();
    } else if (kps.isKpsError(error) && error.name === 'KpsTaskFailedError') {
      showTaskStatus(error.task?.status ?? 'FAILED_UNBIND', startedAt);
      showError(error);
    } else {
      showTaskError();
      report(error);
    }
  } finally {
    stopWaiting = null;
    $('stop-waiting').hidden = true;
  }
  await refreshTaskLists(client, projectId, { quiet: true });
  return true;
}

/** Deletes one failed task, or every one when `taskId` is undefined, then lists the tasks again. */
function deleteFailedTasks(taskId) {
  return runAction(async (client, projectId) => {
    try {
      await kps.deleteFailedTask({ ...client, projectId, taskId });
    } catch (error) {
      report(error);
      return !isValidationError(error);
    }
    await refreshTaskLists(client, projectId);
    return true;
  });
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
  if (!(await isServedByEmulator())) return;
  $('emulator-panel').hidden = false;
  $('fill-defaults').addEventListener('click', () => {
    clearFieldErrors();
    fillEmulatorValues();
    $('emulator-summary').textContent = 'The form holds the emulator\'s values again.';
  });
  $('reset-emulator').addEventListener('click', async () => {
    try {
      await resetEmulator();
      resetTaskPanel();
      showTaskListsSummary('The emulator was reset: press Refresh to list its tasks.');
      $('emulator-summary').textContent = 'Reset: every server has its key pair again, and no task is left.';
    } catch (error) {
      $('emulator-summary').textContent = `Could not reset the emulator: ${error.message}`;
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
    runAction(disassociate);
  });
  // Live validation with the library's own rules: an input shows its problem as the user leaves it, even
  // when another input (perhaps not filled in yet) has one too. Not when the user is heading for a button:
  // the note would shift the layout under the click, and the submit validates anyway.
  $('disassociate-form').addEventListener('focusout', (event) => {
    if (event.relatedTarget instanceof HTMLButtonElement) return;
    const validate = (options) => kps.validateOptions('disassociateKeypair', options);
    showProblemWith(event.target, problemWith(event.target, validate, readDisassociateOptions()));
  });
  $('stop-waiting').addEventListener('click', () => stopWaiting?.());
  $('refresh-tasks').addEventListener('click', () => runAction(refreshTaskLists));
  $('clear-failed').addEventListener('click', () => deleteFailedTasks());
  setBusy(false);
  await showEmulatorPanel();
}

main();
