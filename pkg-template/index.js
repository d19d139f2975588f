// Entry for browsers, bundlers and workers: loads the WebAssembly module at import time (top-level await),
// so users call the API with no init step.
import { instantiateAsync, isLoaded, markUnavailable } from './loader.js';

export * from './api.js';

let pending = null;

/**
 * Loads the WebAssembly module. Optional: the package loads itself from next to this file on import.
 * Call it to load from another place (a URL, a Response, bytes or a compiled WebAssembly.Module) when
 * that automatic load failed, e.g. because a bundler moved the .wasm file. Once loaded, further calls
 * resolve at once and change nothing.
 */
export function init(moduleOrUrl) {
  if (isLoaded()) return Promise.resolve();
  // Written out literally so that bundlers (Vite, webpack, Rollup) see the asset and emit it.
  const source = moduleOrUrl === undefined ? new URL('./kps_wasm_bg.wasm', import.meta.url) : moduleOrUrl;
  if (pending === null) {
    pending = instantiateAsync(source).finally(() => {
      pending = null;
    });
  }
  return pending;
}

try {
  await init();
} catch (cause) {
  // Importing must not fail: the user may point init() at the right place next.
  markUnavailable(cause);
}
