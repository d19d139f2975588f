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

/**
 * Asynchronous instantiation from a URL (string or URL), a Response (or a promise of one), bytes or a
 * compiled WebAssembly.Module. Streams the compilation when the server sends application/wasm.
 */
export async function instantiateAsync(source) {
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
    if (!input.ok) {
      throw new Error(`kps-wasm: could not load the WebAssembly module from ${input.url}: HTTP ${input.status}`);
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
  const reason = cause && cause.message ? cause.message : String(cause);
  const explain = () => {
    throw new Error(
      `kps-wasm: the WebAssembly module is not loaded (${reason}). ` +
        'If your bundler or server moved kps_wasm_bg.wasm, call `await init(urlOfTheWasmFile)` first.',
    );
  };
  glue.__wbg_set_wasm(new Proxy({}, { get: explain }));
}
