// What the page shows about tasks and failures: a task's progress, the error panel, and the task lists.

const $ = (id) => document.getElementById(id);

/** READY_UNBIND → READY, …; anything unknown is still pending (DESIGN.md §1), shown with its raw value. */
export function phaseOf(status) {
  const phase = String(status).split('_')[0];
  return ['READY', 'RUNNING', 'SUCCESS', 'FAILED'].includes(phase) ? phase : 'PENDING';
}

const SUMMARIES = {
  READY: 'Queued: the task is ready to run.',
  RUNNING: 'Running: the key pair is being unbound.',
  SUCCESS: 'Succeeded: the key pair is unbound. Reset the server password to log in.',
  FAILED: 'Failed: the key pair is still bound.',
  PENDING: 'Waiting for the task.',
};

/**
 * What is known of the task followed: the server asked for, then the task ID and the request ID (the unbind's
 * answer), and the server's and key pair's names (the task lists).
 */
let followed = {};

/** The summary of `phase`; a success names the key pair and the server when the task lists did. */
function summaryOf(phase) {
  if (phase !== 'SUCCESS' || !followed.keypairName) return SUMMARIES[phase];
  const server = followed.serverName ?? followed.serverId;
  return `Succeeded: key pair ${followed.keypairName} is unbound from ${server}. Reset the server password to log in.`;
}

/** Shows what is known of the followed task, each detail once it is known. */
function showFollowed() {
  $('task-server-name').textContent = followed.serverName ?? '';
  $('task-server-id').textContent = followed.serverId ?? '';
  $('task-keypair').textContent = followed.keypairName ?? '';
  $('task-id').textContent = followed.taskId ?? '';
  $('task-request-id').textContent = followed.requestId ?? '';
  const known = {
    server: followed.serverId,
    keypair: followed.keypairName,
    task: followed.taskId,
    request: followed.requestId,
  };
  for (const element of $('task-details').querySelectorAll('[data-detail]')) {
    element.hidden = !known[element.dataset.detail];
  }
  $('task-details').hidden = !followed.taskId;
  if ($('task-panel').dataset.state === 'SUCCESS') $('task-summary').textContent = summaryOf('SUCCESS');
}

/** Puts the task panel in a state: idle, sending, invalid, READY, RUNNING, SUCCESS, FAILED, PENDING, stopped, error. */
function setTaskState(state, summary) {
  const panel = $('task-panel');
  panel.dataset.state = state;
  $('task-summary').textContent = summary;
  const order = ['READY', 'RUNNING', 'END'];
  const reached = { READY: 0, PENDING: 0, RUNNING: 1, SUCCESS: 2, FAILED: 2 }[state];
  for (const step of $('progress').children) {
    const index = order.indexOf(step.dataset.step);
    let stepState = 'todo';
    if (reached !== undefined) {
      if (index < reached) stepState = 'done';
      else if (index === reached) stepState = state === 'FAILED' ? 'failed' : state === 'SUCCESS' ? 'done' : 'current';
    }
    step.dataset.state = stepState;
    if (stepState === 'current') step.setAttribute('aria-current', 'step');
    else step.removeAttribute('aria-current');
  }
  const end = $('progress').querySelector('[data-step="END"] span');
  end.textContent = state === 'FAILED' ? 'Failed' : state === 'SUCCESS' ? 'Succeeded' : 'Done';
}

export function showSending(serverId) {
  followed = { serverId };
  showFollowed();
  $('task-log').replaceChildren();
  setTaskState('sending', `Asking KPS to unbind the key pair of ${serverId}…`);
}

export function showTaskStarted(taskId) {
  followed.taskId = taskId;
  showFollowed();
  setTaskState('READY', SUMMARIES.READY);
}

/** Takes the server's and key pair's names from the task lists, once they list the followed task. */
export function noteListedTasks(...lists) {
  const entry = lists.flatMap((list) => list.tasks).find((task) => task.taskId === followed.taskId);
  if (!entry) return;
  followed.serverName = entry.serverName || undefined;
  followed.keypairName = entry.keypairName || undefined;
  showFollowed();
}

/** The request ID of the unbind's answer, for support and audit logs. */
export function showRequestId(requestId) {
  followed.requestId = requestId;
  showFollowed();
}

/** Shows a status seen while polling (the raw string is kept in the log). */
export function showTaskStatus(status, startedAt) {
  const phase = phaseOf(status);
  const log = $('task-log');
  if (log.lastElementChild?.dataset.status !== status) {
    const item = document.createElement('li');
    item.dataset.status = status;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    item.textContent = `${status} at ${seconds} s`;
    log.append(item);
  }
  setTaskState(phase, phase === 'PENDING' ? `${SUMMARIES.PENDING} Status: ${status}.` : summaryOf(phase));
}

export function showStoppedWaiting() {
  setTaskState('stopped', 'Stopped watching. The task goes on; refresh the task lists to follow it.');
}

export function showInvalid() {
  setTaskState('invalid', 'Nothing was sent: correct the highlighted input.');
}

/** The request failed; `where` says where to look ("below", or the input it is about). */
export function showTaskError(where = 'see the error below') {
  setTaskState('error', `The request failed: ${where}.`);
}

export function resetTaskPanel() {
  setTaskState('idle', 'No task yet.');
}

/**
 * The message, unless other rows already say it: a failed task's message is its ID (shown in the task
 * panel), its status, and its task error code and message (rows of their own).
 */
function messageRow(error, shownAt) {
  if (shownAt) return `Shown at ${shownAt}, in the form.`;
  const message = error?.message ?? String(error);
  if (error?.taskErrorMessage && message.includes(error.taskErrorMessage)) return undefined;
  return message;
}

/**
 * Shows a failure (a KpsError or anything else thrown) as a readable list of its fields. `shownAt` names the
 * input whose note already shows the message.
 */
export function showError(error, { shownAt } = {}) {
  const rows = [
    ['Name', error?.name],
    ['Code', error?.code],
    // 0 is "no response": there is no status to show.
    ['HTTP status', error?.status ? String(error.status) : undefined],
    ['Request ID', error?.requestId],
    ['Attempts', error?.attempts > 1 ? String(error.attempts) : undefined],
    ['Option', error?.field],
    ['Task error code', error?.taskErrorCode],
    ['Task error', error?.taskErrorMessage],
    ['Message', messageRow(error, shownAt)],
  ];
  const list = $('error-details');
  list.replaceChildren();
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    const term = document.createElement('dt');
    term.textContent = label;
    const detail = document.createElement('dd');
    detail.textContent = value;
    detail.dataset.key = label.toLowerCase().replaceAll(' ', '-');
    list.append(term, detail);
  }
  $('error-title').textContent = error?.name === 'KpsValidationError' ? 'Check the form' : 'Error';
  $('error-panel').hidden = false;
}

export function hideError() {
  $('error-panel').hidden = true;
  $('error-details').replaceChildren();
}

/** A table cell; `label` (its column's name) heads it where narrow screens show a row as a card. */
function cell(label, content) {
  const td = document.createElement('td');
  if (label) td.dataset.label = label;
  td.append(content ?? '');
  return td;
}

function code(value) {
  const element = document.createElement('code');
  element.textContent = value;
  return element;
}

function serverCell(task) {
  const wrapper = document.createElement('span');
  wrapper.append(task.serverName || '—', document.createElement('br'), code(task.serverId));
  return cell('Server', wrapper);
}

function timeText(taskTime) {
  if (!Number.isFinite(taskTime)) return '—';
  return new Date(taskTime).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

function emptyRow(columns, message) {
  const row = document.createElement('tr');
  const td = cell('', message);
  td.className = 'empty';
  td.colSpan = columns;
  row.append(td);
  return row;
}

/**
 * Fills the running and failed tables. `onDelete(taskId)` is called by a failed task's Delete button.
 */
export function showTaskLists(running, failed, onDelete) {
  $('running-count').textContent = `(${running.total})`;
  $('failed-count').textContent = `(${failed.total})`;
  const runningRows = running.tasks.map((task) => {
    const row = document.createElement('tr');
    row.dataset.taskId = task.taskId;
    row.append(serverCell(task), cell('Status', task.operateType), cell('Key pair', task.keypairName),
      cell('Started', timeText(task.taskTime)), cell('Task ID', code(task.taskId)));
    return row;
  });
  const runningBody = runningRows.length > 0 ? runningRows : [emptyRow(5, 'No running task.')];
  $('running-tasks').tBodies[0].replaceChildren(...runningBody);
  const failedRows = failed.tasks.map((task) => {
    const row = document.createElement('tr');
    row.dataset.taskId = task.taskId;
    const error = document.createElement('span');
    if (task.taskErrorCode) error.append(code(task.taskErrorCode), ' ');
    error.append(task.taskErrorMessage || '');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete failed task ${task.taskId}`);
    remove.addEventListener('click', () => onDelete(task.taskId));
    row.append(serverCell(task), cell('Error', error), cell('Key pair', task.keypairName),
      cell('Started', timeText(task.taskTime)), cell('Task ID', code(task.taskId)), cell('', remove));
    return row;
  });
  const failedBody = failedRows.length > 0 ? failedRows : [emptyRow(6, 'No failed task.')];
  $('failed-tasks').tBodies[0].replaceChildren(...failedBody);
  const counts = `${running.total} running, ${failed.total} failed`;
  $('tasks-summary').textContent = `Updated ${new Date().toLocaleTimeString()}: ${counts}.`;
}

export function showTaskListsSummary(message) {
  $('tasks-summary').textContent = message;
}
