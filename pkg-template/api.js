// The package's public surface, shared by every entry module. The names here and in index.d.ts must match
// (tests/js/exports.test.mjs checks it).
export {
  disassociateKeypair,
  disassociateKeypairAndWait,
  disassociateKeypairs,
  getKeypairTask,
  waitForKeypairTask,
  listRunningTasks,
  listFailedTasks,
  deleteFailedTask,
  signRequest,
  validateOptions,
  version,
  KpsError,
  isKpsError,
} from './kps_wasm_bg.js';
