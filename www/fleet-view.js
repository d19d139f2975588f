// The fleet panel: one row per server, the running totals, and the outcome. A fleet has up to 1000 servers and
// onProgress reports every change of each, so a change rewrites the cells of its own row, a few times a second,
// and never the table; rows off the screen are not rendered at all (style.css).

const $ = (id) => document.getElementById(id);

/** The cells of each row, by the server's index in `servers`. */
let rows = [];
/** Whether the fleet ended (its report arrived): then a server not started is no longer queued. */
let ended = false;
/** Whether the fleet follows each task to its end (else a started unbind is as far as it goes). */
let waits = true;

/** READY_UNBIND → Ready, …; the raw status is shown beside it. */
const PHASES = { READY: 'Ready', RUNNING: 'Running', SUCCESS: 'Succeeded', FAILED: 'Failed' };

function statusLabel({ outcome, status }) {
  if (outcome === 'succeeded') return 'Succeeded';
  if (outcome === 'failed') return 'Failed';
  if (outcome === 'started') {
    if (ended) return 'Started, still running';
    return PHASES[String(status).split('_')[0]] ?? 'Started';
  }
  return ended ? 'Not started' : 'Queued';
}

function codeElement(text) {
  const element = document.createElement('code');
  element.textContent = text;
  return element;
}

function newRow(serverId, index) {
  const row = document.createElement('div');
  row.setAttribute('role', 'row');
  row.className = 'fleet-row';
  row.dataset.serverId = serverId;
  row.dataset.outcome = 'not-started';
  const cells = {};
  for (const [key, label] of [
    ['index', '#'],
    ['server', 'Server'],
    ['task', 'Task ID'],
    ['status', 'Status'],
    ['attempts', 'Attempts'],
    ['error', 'Error'],
  ]) {
    const td = document.createElement('span');
    td.setAttribute('role', 'cell');
    td.dataset.label = label;
    td.dataset.column = key;
    cells[key] = td;
    row.append(td);
  }
  cells.index.textContent = String(index + 1);
  cells.server.append(codeElement(serverId));
  cells.status.textContent = statusLabel({ outcome: 'not-started' });
  cells.attempts.textContent = '0';
  return { row, cells, shown: {} };
}

/** Writes `result` into its row, touching only the cells whose value changed. */
function showResult(index, result) {
  const entry = rows[index];
  if (!entry) return;
  const { row, cells, shown } = entry;
  row.dataset.outcome = result.outcome;
  if (result.taskId !== shown.taskId) {
    cells.task.replaceChildren(...(result.taskId ? [codeElement(result.taskId)] : []));
    shown.taskId = result.taskId;
  }
  const label = statusLabel(result);
  if (label !== shown.label || result.status !== shown.status) {
    cells.status.replaceChildren(label);
    if (result.status) cells.status.append(' ', codeElement(result.status));
    shown.label = label;
    shown.status = result.status;
  }
  if (result.attempts !== shown.attempts) {
    cells.attempts.textContent = String(result.attempts);
    shown.attempts = result.attempts;
  }
  const error = result.error ? `${result.error.code}: ${result.error.message}` : '';
  if (error !== shown.error) {
    cells.error.replaceChildren();
    if (result.error) cells.error.append(codeElement(result.error.code), ' ', result.error.message);
    shown.error = error;
  }
}

function showTotals(totals) {
  for (const item of $('fleet-totals').children) {
    const count = totals[item.dataset.total] ?? 0;
    item.querySelector('dd').textContent = String(count);
    item.classList.toggle('none', count === 0);
  }
  const progress = $('fleet-progress');
  progress.max = Math.max(totals.total, 1);
  progress.value = totals.succeeded + totals.failed + (waits ? 0 : totals.started);
}

function setFleetState(state, summary) {
  $('fleet-panel').dataset.state = state;
  $('fleet-summary').textContent = summary;
}

/** A new fleet of `serverIds`: every server queued. */
export function showFleetStarting(serverIds, { concurrency, wait }) {
  ended = false;
  waits = wait;
  rows = serverIds.map(newRow);
  const body = document.createDocumentFragment();
  body.append(...rows.map(({ row }) => row));
  $('fleet-rows').replaceChildren(body);
  const total = serverIds.length;
  showTotals({ total, succeeded: 0, failed: 0, started: 0, notStarted: total });
  const servers = total === 1 ? '1 server' : `${total} servers`;
  setFleetState('running', `Unbinding the key pairs of ${servers}, ${concurrency ?? 8} at a time…`);
  $('stop-fleet').textContent = 'Stop';
  $('stop-fleet').disabled = false;
  $('download-csv').disabled = true;
  $('download-json').disabled = true;
}

/**
 * How often changes reach the screen: often enough to look live, and few renders, since the fleet itself runs
 * on the main thread (rendering on every event made a 400-server fleet take 2.4 times as long as without a view;
 * tests/e2e/fleet-view-cost.mjs measures it).
 */
const SHOW_EVERY_MS = 200;

/** Changes not shown yet: each server's latest, and the latest totals. */
const pending = { results: new Map(), totals: null, frame: 0 };

function showPending() {
  pending.frame = 0;
  for (const [index, result] of pending.results) showResult(index, result);
  pending.results.clear();
  if (pending.totals) showTotals(pending.totals);
  pending.totals = null;
}

/**
 * One onProgress event: its row and the totals, at the next frame. Events come in bursts (a list read
 * reports hundreds of servers at once), and the screen shows one frame of them anyway.
 */
export function showFleetProgress(event) {
  pending.results.set(event.index, event);
  pending.totals = event.totals;
  pending.frame ||= setTimeout(showPending, SHOW_EVERY_MS);
}

export function showFleetStopping() {
  $('stop-fleet').textContent = 'Stopping…';
  $('stop-fleet').disabled = true;
  setFleetState('stopping', 'Stopping: no unbind starts any more; the ones already sent are being accounted for…');
}

/** The sentence that sums a finished fleet up. */
function summaryOf(report, wait) {
  const parts = [];
  if (report.aborted) {
    parts.push(`Stopped: ${report.succeeded} unbound`);
    if (report.failed) parts.push(`${report.failed} failed`);
    if (report.started) parts.push(`${report.started} started and still running (their task IDs are below)`);
    parts.push(`${report.notStarted} not started`);
  } else if (wait) {
    parts.push(`Done: ${report.succeeded} of ${report.total} unbound`);
    if (report.failed) parts.push(`${report.failed} failed`);
    if (report.started) parts.push(`${report.started} still running after the wait`);
    if (report.notStarted) parts.push(`${report.notStarted} not started`);
  } else {
    parts.push(`Sent: ${report.started} of ${report.total} unbinds started (not followed)`);
    if (report.failed) parts.push(`${report.failed} refused`);
    if (report.notStarted) parts.push(`${report.notStarted} not started`);
  }
  let summary = `${parts.join(', ')}. ${report.requests} API requests.`;
  if (report.progressError !== undefined) {
    summary += ` The page stopped showing progress (${report.progressError}); the table shows the report.`;
  }
  return summary;
}

/** The report: every row as it ended, the totals, and what happened in a sentence. */
export function showFleetReport(report) {
  clearTimeout(pending.frame);
  pending.frame = 0;
  pending.results.clear();
  pending.totals = null;
  ended = true;
  report.results.forEach((result, index) => showResult(index, result));
  showTotals(report);
  const state = report.aborted ? 'stopped' : report.failed || report.notStarted ? 'incomplete' : 'done';
  setFleetState(state, summaryOf(report, waits));
  $('stop-fleet').textContent = 'Stop';
  $('stop-fleet').disabled = true;
  $('download-csv').disabled = false;
  $('download-json').disabled = false;
}

/** The options were refused before any request: the table is left as it was. */
export function showFleetInvalid() {
  setFleetState('invalid', 'Nothing was sent: correct the highlighted input.');
}

/** Saves `text` as a file named `name`, as a download. */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
