// The wasm's own work per call in Node, without fetch: what kps-wasm adds before a request leaves.
// `validateOptions` prices converting and checking a call's options (the first step of every call);
// `signRequest` on the request `disassociateKeypair` signs (POST /v3/{project}/keypairs/disassociate,
// Content-Type and X-Project-Id, a 57-byte body) prices its options checked, the canonical request, SHA-256
// and HMAC in wasm, and the headers object built. Variants price temporary credentials, a query and a large
// body; a synchronous node:crypto signer of the same request (checked to produce the same Authorization) is
// the reference. Each call is timed on its own after a warm-up; prints one JSON object (µs: median, p10, p90).
//
//   node bench/wasm-cost.mjs [--calls 20000] [--warmup 2000]
import { createHash, createHmac } from 'node:crypto';
import { signRequest, validateOptions } from 'kps-wasm';
import { CREDENTIALS, PROJECT_ID, SERVER_ID, callOptions } from './fixture.mjs';
import { numberFlags } from './flags.mjs';

const flags = numberFlags(process.argv.slice(2), { calls: 20000, warmup: 2000 });
const HOST = 'kms.cn-north-4.myhuaweicloud.com';
const PATH = `/v3/${PROJECT_ID}/keypairs/disassociate`;
const CONTENT_TYPE = 'application/json;charset=UTF-8';
const BODY = JSON.stringify({ server: { id: SERVER_ID } });

const disassociate = {
  method: 'POST',
  url: `https://${HOST}${PATH}`,
  headers: { 'Content-Type': CONTENT_TYPE, 'X-Project-Id': PROJECT_ID },
  body: BODY,
  credentials: CREDENTIALS,
};
// Huawei Cloud security tokens are a few KB of base64.
const temporary = { ...disassociate, credentials: { ...CREDENTIALS, securityToken: 'gQpjbi1ub3J0aC00'.repeat(160) } };
const listing = {
  method: 'GET',
  url: `https://${HOST}/v3/${PROJECT_ID}/running-tasks?limit=10&offset=0`,
  headers: { 'Content-Type': 'application/json', 'X-Project-Id': PROJECT_ID },
  credentials: CREDENTIALS,
};
const largeBody = { ...disassociate, body: JSON.stringify({ data: 'x'.repeat(64 * 1024 - 11) }) };

/** The same request signed by hand with node:crypto (the date formatted as signRequest does). */
function nodeCryptoHeaders(date = new Date()) {
  const sdkDate = date.toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
  const signedHeaders = 'content-type;host;x-project-id;x-sdk-date';
  const canonicalRequest = [
    'POST',
    `${PATH}/`,
    '',
    `content-type:${CONTENT_TYPE}\nhost:${HOST}\nx-project-id:${PROJECT_ID}\nx-sdk-date:${sdkDate}\n`,
    signedHeaders,
    createHash('sha256').update(BODY).digest('hex'),
  ].join('\n');
  const stringToSign = `SDK-HMAC-SHA256\n${sdkDate}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', CREDENTIALS.secretAccessKey).update(stringToSign).digest('hex');
  return {
    'Content-Type': CONTENT_TYPE,
    'X-Project-Id': PROJECT_ID,
    'X-Sdk-Date': sdkDate,
    Authorization: `SDK-HMAC-SHA256 Access=${CREDENTIALS.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

// Both signers must agree before either is timed.
const fixed = new Date(Date.UTC(2026, 10, 28, 10, 15, 0));
const wasm = signRequest({ ...disassociate, date: fixed });
const reference = nodeCryptoHeaders(fixed);
if (JSON.stringify(wasm) !== JSON.stringify(reference)) {
  throw new Error(`signRequest and node:crypto disagree:\n${JSON.stringify(wasm)}\n${JSON.stringify(reference)}`);
}

// validateOptions resolves nothing and sends nothing: it returns undefined for valid options.
const tokenOptions = callOptions('https://' + HOST, 'token');
const akskOptions = callOptions('https://' + HOST, 'aksk');
for (const options of [tokenOptions, akskOptions]) {
  const problem = validateOptions('disassociateKeypair', options);
  if (problem !== undefined) throw new Error(`the bench's options are invalid: ${problem.message}`);
}

const cases = {
  'validateOptions, disassociateKeypair with a token': () => validateOptions('disassociateKeypair', tokenOptions),
  'validateOptions, disassociateKeypair with AK/SK': () => validateOptions('disassociateKeypair', akskOptions),
  'signRequest, the disassociateKeypair request': () => signRequest(disassociate),
  'signRequest, the same with a 2.5 KB security token': () => signRequest(temporary),
  'signRequest, GET with a query, no body': () => signRequest(listing),
  'signRequest, the same POST with a 64 KiB body': () => signRequest(largeBody),
  'node:crypto by hand, the disassociateKeypair request (reference)': () => nodeCryptoHeaders(),
};

const results = [];
for (const [name, call] of Object.entries(cases)) {
  for (let i = 0; i < flags.warmup; i += 1) call();
  const micros = new Float64Array(flags.calls);
  for (let i = 0; i < flags.calls; i += 1) {
    const start = process.hrtime.bigint();
    const result = call();
    micros[i] = Number(process.hrtime.bigint() - start) / 1000;
    if (result !== undefined && !result.Authorization) throw new Error(`${name}: no Authorization header`);
  }
  micros.sort();
  const at = (q) => Number(micros[Math.min(micros.length - 1, Math.floor(q * micros.length))].toPrecision(4));
  results.push({ name, median: at(0.5), p10: at(0.1), p90: at(0.9) });
}
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...flags, unit: 'µs per call', cases: results }));
