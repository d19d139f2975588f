import { disassociateKeypair } from 'kps-wasm';
import { rawDisassociateKeypair } from './raw-fetch.mjs';
import { callOptions } from './fixture.mjs';
const [url, which, auth] = process.argv.slice(2);
const o = callOptions(url, auth);
const call = which === 'kps' ? () => disassociateKeypair(o) : () => rawDisassociateKeypair(o);
for (let i = 0; i < 500; i++) await call();
const t = performance.now(); let n = 0;
while (performance.now() - t < 4000) { await call(); n++; }
console.log(which, auth, (n / ((performance.now() - t) / 1000)).toFixed(0), 'req/s');
