// Entry for Node.js (ESM): reads and instantiates the WebAssembly module synchronously at import, with no
// top-level await, so that `require()` of this module works too (see node.cjs).
import { readFileSync } from 'node:fs';
import { instantiateSync } from './loader.js';

export * from './api.js';

instantiateSync(readFileSync(new URL('./kps_wasm_bg.wasm', import.meta.url)));

/** Already loaded at import in Node: resolves at once and changes nothing. */
export function init(_moduleOrUrl) {
  return Promise.resolve();
}
