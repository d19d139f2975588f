import { version } from '/pkg/index.js';

postMessage(version());
