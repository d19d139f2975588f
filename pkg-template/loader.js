// Instantiates kps_wasm_bg.wasm against the wasm-bindgen glue. Shared by every entry module, so that one
// .wasm file and one copy of the glue serve Node, browsers, bundlers and workers alike.
import * as glue from './kps_wasm_bg.js';

// The module name the wasm imports its glue under (wasm-bindgen's bundler target).
const GLUE_MODULE = './kps_wasm_bg.js';

let loaded = false;

/** True once an instance is attached to the glue. */
export function isLoaded() {
  return loaded;
}

function attach(instance) {
  glue.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
  loaded = true;
}

/** Synchronous instantiation, for Node (any size) and small modules elsewhere. */
export function instantiateSync(bytesOrModule) {
  const module =
    bytesOrModule instanceof WebAssembly.Module ? bytesOrModule : new WebAssembly.Module(bytesOrModule);
  attach(new WebAssembly.Instance(module, { [GLUE_MODULE]: glue }));
}

const WHAT_TO_DO =
  'If your bundler or server moved kps_wasm_bg.wasm, serve it next to the entry module or call ' +
  '`await init(urlOfTheWasmFile)` first (README: "Browsers without a bundler").';

/**
 * The KpsError (`KpsLoadError`, code `WASM_LOAD_FAILED`) for a module that could not be loaded: where from
 * (`where`, when known), why (`cause`, also kept as `error.cause`), and what to do. `status` is the HTTP
 * status of the answer that refused the file, 0 when there was none.
 */
export function loadFailure(where, cause, status = 0) {
  const reason = cause && cause.message ? cause.message : String(cause);
  const from = where ? ` from ${where}` : '';
  return new glue.KpsError(
    'KpsLoadError',
    'WASM_LOAD_FAILED',
    `kps-wasm: the WebAssembly module is not loaded: could not load it${from} (${reason}). ${WHAT_TO_DO}`,
    { status, cause },
  );
}

/**
 * Asynchronous instantiation from a URL (string or URL), a Response (or a promise of one), bytes or a
 * compiled WebAssembly.Module. Streams the compilation when the server sends application/wasm. Rejects with
 * a KpsError of code `WASM_LOAD_FAILED` (see {@link loadFailure}).
 */
export async function instantiateAsync(source) {
  let where = typeof source === 'string' || source instanceof URL ? String(source) : '';
  try {
    await instantiateFrom(source, (url) => {
      where = url;
    });
  } catch (cause) {
    if (glue.isKpsError(cause)) throw cause;
    throw loadFailure(where, cause);
  }
}

async function instantiateFrom(source, describe) {
  const imports = { [GLUE_MODULE]: glue };
  let input = await source;
  if (typeof input === 'string' || input instanceof URL) {
    input = await fetch(input);
  }
  if (input instanceof WebAssembly.Module) {
    attach(await WebAssembly.instantiate(input, imports));
    return;
  }
  if (typeof Response === 'function' && input instanceof Response) {
    if (input.url) describe(input.url);
    if (!input.ok) {
      throw loadFailure(input.url, new Error(`HTTP ${input.status}`), input.status);
    }
    const streamable =
      typeof WebAssembly.instantiateStreaming === 'function' &&
      (input.headers.get('Content-Type') || '').split(';')[0].trim() === 'application/wasm';
    const { instance } = streamable
      ? await WebAssembly.instantiateStreaming(input, imports)
      : await WebAssembly.instantiate(await input.arrayBuffer(), imports);
    attach(instance);
    return;
  }
  const { instance } = await WebAssembly.instantiate(input, imports);
  attach(instance);
}

/**
 * Leaves the glue pointing at an object that explains why the module is missing, so that a call made
 * before a successful init() fails with that reason rather than "cannot read properties of undefined".
 */
export function markUnavailable(cause) {
  const failure = glue.isKpsError(cause) ? cause : loadFailure('', cause);
  // A fresh error per call (its own stack), with the load failure's message, status and cause.
  const explain = () => {
    throw new glue.KpsError(failure.name, failure.code, failure.message, {
      status: failure.status,
      cause: failure.cause,
    });
  };
  glue.__wbg_set_wasm(new Proxy({}, { get: explain }));
}
