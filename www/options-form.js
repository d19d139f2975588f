// The form as kps-wasm options: reading the inputs into the objects the library takes (one server, or a fleet),
// showing the library's validation errors on the input they name, and forgetting secrets once they have been used.

/** The emulator's default fixture (emulator/fixtures/default.json): one click works against it. */
export const EMULATOR_VALUES = {
  token: 'emulator-token',
  projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  serverId: 'd76baba7-ef09-40a2-87ff-3eafec0696e7',
  /** A handful of the servers `--fleet N` adds (emulator/README.md, "Fleet servers"); `cargo xtask demo` adds 200. */
  fleet: [1, 2, 3, 4, 5].map(fleetServerId),
};

/** The ID of the emulator's fleet server `n` (1-based): `f1ee7000-0000-4000-8000-00000000NNNN`, decimal. */
export function fleetServerId(n) {
  return `f1ee7000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The regions of the official SDKs, offered in the region field. */
const REGIONS = [
  'cn-north-4', 'cn-north-1', 'cn-north-2', 'cn-north-9', 'cn-east-2', 'cn-east-3', 'cn-south-1', 'cn-southwest-2',
  'ap-southeast-1', 'ap-southeast-3', 'ap-southeast-4', 'la-south-2', 'sa-brazil-1', 'la-north-2', 'ap-southeast-2',
  'na-mexico-1', 'af-south-1', 'cn-south-4', 'cn-south-2', 'me-east-1', 'tr-west-1', 'my-kualalumpur-1',
  'ru-moscow-1', 'cn-east-5', 'cn-east-4', 'ap-southeast-5', 'cn-north-12', 'cn-north-11', 'af-north-1',
  'cn-southwest-3',
];

/** Option paths (`KpsError.field`) → the id of the input that holds them. `auth.key` depends on the auth type. */
const FIELD_INPUTS = {
  token: 'token',
  credentials: 'access-key-id',
  'credentials.accessKeyId': 'access-key-id',
  'credentials.secretAccessKey': 'secret-access-key',
  'credentials.securityToken': 'security-token',
  region: 'region',
  endpoint: 'endpoint',
  signingHost: 'signing-host',
  allowInsecureHttp: 'allow-insecure-http',
  timeoutMs: 'timeout-ms',
  maxAttempts: 'max-attempts',
  intervalMs: 'interval-ms',
  concurrency: 'fleet-concurrency',
  servers: 'fleet-servers',
  projectId: 'project-id',
  serverId: 'server-id',
  auth: 'auth-type',
  'auth.type': 'auth-type',
};

const $ = (id) => document.getElementById(id);
const text = (id) => $(id).value.trim();
const optionalText = (id) => text(id) || undefined;
const optionalNumber = (id) => (text(id) === '' ? undefined : Number(text(id)));

export function targetMode() {
  return document.querySelector('input[name="target"]:checked').value;
}

export function credentialMode() {
  return document.querySelector('input[name="credential-mode"]:checked').value;
}

/** `one` (one server, followed step by step) or `fleet` (many servers at once). */
export function unbindMode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

/** Shows the inputs and panels of the chosen mode, target, credential mode and auth type, and hides the others. */
export function showChosenGroups() {
  const authType = $('auth-type').value;
  for (const [attribute, chosen] of [
    ['data-mode', unbindMode()],
    ['data-target', targetMode()],
    ['data-credential-mode', credentialMode()],
    ['data-auth-type', authType],
  ]) {
    for (const group of document.querySelectorAll(`[${attribute}]`)) {
      group.hidden = group.getAttribute(attribute) !== chosen;
    }
  }
}

/** Pre-fills the form for the emulator that serves this page. Secrets are filled only when empty. */
export function fillEmulatorValues() {
  document.querySelector('input[name="target"][value="endpoint"]').checked = true;
  document.querySelector('input[name="credential-mode"][value="token"]').checked = true;
  $('endpoint').value = location.origin;
  $('project-id').value = EMULATOR_VALUES.projectId;
  $('server-id').value = EMULATOR_VALUES.serverId;
  fillFleet(EMULATOR_VALUES.fleet);
  if (!$('token').value) $('token').value = EMULATOR_VALUES.token;
  $('auth-type').value = '';
  showChosenGroups();
}

/** Puts `serverIds` in the fleet's list, one per line. */
export function fillFleet(serverIds) {
  clearFieldError($('fleet-servers'));
  $('fleet-servers').value = serverIds.join('\n');
  showFleetCount();
}

function showFleetCount() {
  const count = readFleetList().servers.length;
  $('fleet-count').textContent = count === 1 ? '(1 server)' : `(${count} servers)`;
}

export function setUpForm() {
  $('regions').replaceChildren(...REGIONS.map((region) => new Option('', region)));
  fillEmulatorValues();
  const choices = 'input[name="mode"], input[name="target"], input[name="credential-mode"], #auth-type';
  for (const input of document.querySelectorAll(choices)) input.addEventListener('change', showChosenGroups);
  $('auth-key-file').addEventListener('change', readKeyFile);
  $('fleet-file').addEventListener('change', readFleetFile);
  $('fleet-servers').addEventListener('input', showFleetCount);
  // An edited input no longer shows the error the library reported for its old value.
  $('disassociate-form').addEventListener('input', (event) => clearFieldError(event.target));
}

/** Larger files are not read: a PEM private key is a few KiB (the library takes up to 16 KiB). */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Reads the chosen .pem file into the private-key field. */
async function readKeyFile() {
  const picker = $('auth-key-file');
  const [file] = picker.files;
  if (!file) return;
  picker.value = '';
  clearFieldError($('auth-key'));
  if (file.size > MAX_KEY_FILE_BYTES) {
    showFieldError('auth.key', `${file.name} is ${file.size} bytes: too large for a private key, so it was not read.`);
    return;
  }
  $('auth-key').value = await file.text();
}

/** A list of 1000 IDs with a CSV report's other columns is well under this. */
const MAX_LIST_FILE_BYTES = 1024 * 1024;

/** Reads the chosen list of servers into the fleet's list. */
async function readFleetFile() {
  const picker = $('fleet-file');
  const [file] = picker.files;
  if (!file) return;
  picker.value = '';
  clearFieldError($('fleet-servers'));
  if (file.size > MAX_LIST_FILE_BYTES) {
    showFieldError('servers', `${file.name} is ${file.size} bytes: too large for a list of servers, so it was not read.`);
    return;
  }
  $('fleet-servers').value = await file.text();
  showFleetCount();
}

/** The options every call takes (where, and how to sign in), as typed. */
export function readClientOptions() {
  const options = {};
  if (targetMode() === 'region') options.region = text('region');
  else options.endpoint = text('endpoint');
  if (credentialMode() === 'token') {
    options.token = text('token');
  } else {
    options.credentials = {
      accessKeyId: text('access-key-id'),
      secretAccessKey: text('secret-access-key'),
      securityToken: optionalText('security-token'),
    };
  }
  const signingHost = optionalText('signing-host');
  if (signingHost !== undefined) options.signingHost = signingHost;
  const timeoutMs = optionalNumber('timeout-ms');
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const maxAttempts = optionalNumber('max-attempts');
  if (maxAttempts !== undefined) options.maxAttempts = maxAttempts;
  if ($('allow-insecure-http').checked) options.allowInsecureHttp = true;
  return options;
}

export function readProjectId() {
  return text('project-id');
}

/** The server auth chosen, or undefined. The key or password is sent as typed (a PEM's blanks included). */
function readAuth() {
  const type = $('auth-type').value;
  if (type === 'keypair') return { type, key: $('auth-key').value };
  if (type === 'password') return { type, key: $('auth-password').value };
  return undefined;
}

/** The options of disassociateKeypair. */
export function readDisassociateOptions() {
  const options = { ...readClientOptions(), projectId: readProjectId(), serverId: text('server-id') };
  const auth = readAuth();
  if (auth) options.auth = auth;
  return options;
}

/**
 * The fleet's server IDs as listed: one a line, the first column of a CSV line (quotes removed); blank lines
 * and `#` comments skipped. `lines[i]` is the line number (from 1) of `servers[i]`, to point at a bad entry.
 */
export function readFleetList() {
  const servers = [];
  const lines = [];
  $('fleet-servers').value.split(/\r?\n/).forEach((line, at) => {
    const [first] = line.trim().split(/[\s,;]+/);
    if (!first || first.startsWith('#')) return;
    servers.push(first.replace(/^"(.*)"$/, '$1'));
    lines.push(at + 1);
  });
  return { servers, lines };
}

/** The options of disassociateKeypairs: the server auth, if any, goes with every server. */
export function readFleetOptions() {
  const auth = readAuth();
  const servers = readFleetList().servers.map((serverId) => (auth ? { serverId, auth } : serverId));
  const options = { ...readClientOptions(), projectId: readProjectId(), servers, wait: $('fleet-wait').checked };
  const concurrency = optionalNumber('fleet-concurrency');
  if (concurrency !== undefined) options.concurrency = concurrency;
  const intervalMs = readIntervalMs();
  if (intervalMs !== undefined) options.intervalMs = intervalMs;
  return options;
}

/** The poll interval for waitForKeypairTask, when one is typed. */
export function readIntervalMs() {
  return optionalNumber('interval-ms');
}

/** `servers[3].auth.key` → `auth.key`: the fleet's auth is the form's one, sent with every server. */
const FLEET_AUTH = /^servers\[\d+\]\.(auth(?:\.type|\.key)?)$/;
/** `servers[3]`, `servers[3].serverId`: an entry of the list, at index 3. */
const FLEET_ENTRY = /^servers\[(\d+)\]/;

function inputFor(field) {
  const fleetAuth = FLEET_AUTH.exec(field ?? '');
  if (fleetAuth) return inputFor(fleetAuth[1]);
  if (FLEET_ENTRY.test(field ?? '')) return $('fleet-servers');
  if (field === 'auth.key') return $($('auth-type').value === 'password' ? 'auth-password' : 'auth-key');
  const id = FIELD_INPUTS[field];
  return id ? $(id) : null;
}

/** The visible label of the input that holds option `field` ("Server auth"), or undefined. */
export function labelOf(field) {
  const input = field ? inputFor(field) : null;
  return input?.labels?.[0]?.firstChild?.textContent.trim() || undefined;
}

/**
 * A problem with entry `servers[i]` says which line it is on, and selects that line, so that it can be found
 * among hundreds.
 */
function pointAtFleetEntry(field, message) {
  const entry = FLEET_ENTRY.exec(field);
  if (!entry || FLEET_AUTH.test(field)) return message;
  const line = readFleetList().lines[Number(entry[1])];
  if (line === undefined) return message;
  const textarea = $('fleet-servers');
  const starts = textarea.value.split('\n').slice(0, line - 1).reduce((offset, text) => offset + text.length + 1, 0);
  const length = textarea.value.split('\n')[line - 1].length;
  textarea.setSelectionRange(starts, starts + length);
  return `Line ${line}: ${message}`;
}

/**
 * Marks the input that holds option `field` as invalid, with `message` next to it, and focuses it. Returns
 * false when no visible input holds that option (the caller then shows the error elsewhere).
 */
export function showFieldError(field, message, { focus = true } = {}) {
  const input = field ? inputFor(field) : null;
  if (!input) return false;
  clearFieldError(input);
  const details = input.closest('details');
  if (details) details.open = true;
  if (input.closest('[hidden]')) return false;
  const container = input.closest('.field');
  const note = document.createElement('p');
  note.className = 'field-error';
  note.id = `${input.id}-error`;
  note.dataset.field = field;
  note.textContent = pointAtFleetEntry(field, message);
  container.append(note);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-errormessage', note.id);
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), note.id].filter(Boolean).join(' '));
  if (focus) input.focus();
  return true;
}

/**
 * Live validation: when the user has changed `edited`, shows `problem` (the library's KpsValidationError
 * for the whole form, or undefined) if it is about that input, without moving the focus. Problems with
 * inputs the user has not touched yet wait for the submit.
 */
export function showProblemWith(edited, problem) {
  if (problem && inputFor(problem.field) === edited) showFieldError(problem.field, problem.message, { focus: false });
}

/**
 * Values that pass the library's checks, put in place of another input's invalid value so that the problem
 * of the input just left still shows (the library reports one problem: the first in its order).
 */
const STAND_INS = {
  token: 'stand-in-token',
  'credentials.accessKeyId': 'STANDINACCESSKEYID01',
  'credentials.secretAccessKey': 'stand-in-secret-access-key',
  region: 'cn-north-4',
  endpoint: 'https://kms.cn-north-4.myhuaweicloud.com',
  signingHost: 'kms.cn-north-4.myhuaweicloud.com',
  timeoutMs: 30000,
  maxAttempts: 3,
  intervalMs: 500,
  concurrency: 8,
  projectId: '0'.repeat(32),
  serverId: '00000000-0000-4000-8000-000000000000',
};

/**
 * The problem `validate(options)` finds with the input `edited`, looking past problems of other inputs that
 * have a stand-in; undefined when there is none (or when another problem cannot be looked past).
 */
export function problemWith(edited, validate, options) {
  const replaced = new Set();
  for (;;) {
    const problem = validate(options);
    if (!problem || inputFor(problem.field) === edited) return problem;
    const standIn = STAND_INS[problem.field];
    // No stand-in, or one that did not help (the problem is with two options together).
    if (standIn === undefined || replaced.has(problem.field)) return undefined;
    replaced.add(problem.field);
    setOption(options, problem.field, standIn);
  }
}

/** Sets `options[path]`, where `path` is a field such as `credentials.accessKeyId`. */
function setOption(options, path, value) {
  const [head, key] = path.split('.');
  if (key === undefined) options[head] = value;
  else options[head] = { ...options[head], [key]: value };
}

function clearFieldError(input) {
  if (!(input instanceof HTMLElement) || input.getAttribute('aria-invalid') !== 'true') return;
  const noteId = input.getAttribute('aria-errormessage');
  document.getElementById(noteId)?.remove();
  input.removeAttribute('aria-invalid');
  input.removeAttribute('aria-errormessage');
  const describedBy = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== noteId);
  if (describedBy.length > 0) input.setAttribute('aria-describedby', describedBy.join(' '));
  else input.removeAttribute('aria-describedby');
}

export function clearFieldErrors() {
  for (const input of document.querySelectorAll('[aria-invalid="true"]')) clearFieldError(input);
}

export function keepSecrets() {
  return $('keep-secrets').checked;
}

/** Empties every secret input (token, secret key, security token, private key, password, file picker). */
export function clearSecrets() {
  for (const input of document.querySelectorAll('[data-secret]')) input.value = '';
}
