// The form as kps-wasm options: reading the inputs into the objects the library takes, showing the library's
// validation errors on the input they name, and forgetting secrets once they have been used.

/** The emulator's default fixture (emulator/fixtures/default.json): one click works against it. */
export const EMULATOR_VALUES = {
  token: 'emulator-token',
  projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  serverId: 'd76baba7-ef09-40a2-87ff-3eafec0696e7',
};

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
  intervalMs: 'interval-ms',
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

/** Shows the inputs of the chosen target, credential mode and auth type, and hides the others. */
export function showChosenGroups() {
  const authType = $('auth-type').value;
  for (const [attribute, chosen] of [
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
  if (!$('token').value) $('token').value = EMULATOR_VALUES.token;
  $('auth-type').value = '';
  showChosenGroups();
}

export function setUpForm() {
  $('regions').replaceChildren(...REGIONS.map((region) => new Option('', region)));
  fillEmulatorValues();
  for (const input of document.querySelectorAll('input[name="target"], input[name="credential-mode"], #auth-type')) {
    input.addEventListener('change', showChosenGroups);
  }
  $('auth-key-file').addEventListener('change', readKeyFile);
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
  if ($('allow-insecure-http').checked) options.allowInsecureHttp = true;
  return options;
}

export function readProjectId() {
  return text('project-id');
}

/** The options of disassociateKeypair. The key or password is sent as typed (a PEM's blanks included). */
export function readDisassociateOptions() {
  const options = { ...readClientOptions(), projectId: readProjectId(), serverId: text('server-id') };
  const type = $('auth-type').value;
  if (type === 'keypair') options.auth = { type, key: $('auth-key').value };
  if (type === 'password') options.auth = { type, key: $('auth-password').value };
  return options;
}

/** The poll interval for waitForKeypairTask, when one is typed. */
export function readIntervalMs() {
  return optionalNumber('interval-ms');
}

function inputFor(field) {
  if (field === 'auth.key') return $($('auth-type').value === 'password' ? 'auth-password' : 'auth-key');
  const id = FIELD_INPUTS[field];
  return id ? $(id) : null;
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
  note.textContent = message;
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
