import { isKpsError, version } from 'kps-wasm';

document.body.dataset.version = version();
document.body.dataset.plainErrorIsKps = String(isKpsError(new Error('x')));
