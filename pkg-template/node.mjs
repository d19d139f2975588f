// Entry for Node.js (ESM): reads and instantiates the WebAssembly module synchronously at import, with no
// top-level await, so that `require()` of this module works too (see node.cjs).
import { readFileSync } from 'node:fs';
import { instantiateSync, loadFailure } from './loader.js';

export * from './api.js';

const wasmUrl = new URL('./kps_wasm_bg.wasm', import.meta.url);
try {
  instantiateSync(readFileSync(wasmUrl));
} catch (cause) {
  // An install without its .wasm cannot work in Node: the import fails, with a KpsError that says so.
  throw loadFailure(wasmUrl.href, cause);
}

/** Already loaded at import in Node: resolves at once and changes nothing. */
export function init(_moduleOrUrl) {
  return Promise.resolve();
}
