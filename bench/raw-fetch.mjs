// The baseline kps-wasm is compared with: DisassociateKeypair written by hand over `fetch`, with the same
// request on the wire (method, URL, headers, body) and the response parsed. AK/SK requests are signed
// (SDK-HMAC-SHA256, shared/DESIGN.md §3) with WebCrypto, so this file runs unchanged in Node and in browsers.
// It checks nothing a server would not: no option validation, no timeout, no abort signal, no redirect
// refusal, no body size limit. bench/safe-raw-fetch.mjs adds those, as a careful developer would, on the
// request built here.

const CONTENT_TYPE = 'application/json;charset=UTF-8';
const SIGNED_HEADERS = 'content-type;host;x-project-id;x-sdk-date';
const encoder = new TextEncoder();
// A hand-written client imports its HMAC key once, not on every call.
const hmacKeys = new Map();

/** Resolves with the task ID; rejects with an Error carrying the HTTP status on any other answer. */
export async function rawDisassociateKeypair(options) {
  const { url, init } = await disassociateRequest(options);
  const response = await fetch(url, init);
  const answer = await response.json();
  return taskIdOf(response.status, answer, 'raw fetch');
}

/**
 * The request DisassociateKeypair sends, as `fetch(url, init)` arguments: the bytes kps-wasm puts on the wire
 * (bench/wire-check.mjs compares them), signed when `credentials` are given.
 */
export async function disassociateRequest({ endpoint, token, credentials, projectId, serverId }) {
  const path = `/v3/${projectId}/keypairs/disassociate`;
  const url = endpoint + path;
  const body = JSON.stringify({ server: { id: serverId } });
  const headers = { 'Content-Type': CONTENT_TYPE, 'X-Project-Id': projectId };
  if (token !== undefined) {
    headers['X-Auth-Token'] = token;
  } else {
    const date = sdkDate(new Date());
    headers['X-Sdk-Date'] = date;
    const host = new URL(url).host;
    headers.Authorization = await authorization(credentials, path, host, projectId, date, body);
  }
  return { url, init: { method: 'POST', headers, body } };
}

/** The task ID of a 202 answer's parsed body; any other answer throws, naming `client`. */
export function taskIdOf(status, answer, client) {
  if (status !== 202 || typeof answer?.task_id !== 'string') {
    throw new Error(`${client}: HTTP ${status} ${JSON.stringify(answer)}`);
  }
  return answer.task_id;
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
function sdkDate(now) {
  return now.toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
}

async function authorization({ accessKeyId, secretAccessKey }, path, host, projectId, date, body) {
  const canonicalRequest = [
    'POST',
    canonicalUri(path),
    '',
    `content-type:${CONTENT_TYPE}\nhost:${host}\nx-project-id:${projectId}\nx-sdk-date:${date}\n`,
    SIGNED_HEADERS,
    hex(await crypto.subtle.digest('SHA-256', encoder.encode(body))),
  ].join('\n');
  const hashed = hex(await crypto.subtle.digest('SHA-256', encoder.encode(canonicalRequest)));
  const stringToSign = `SDK-HMAC-SHA256\n${date}\n${hashed}`;
  const key = await hmacKey(secretAccessKey);
  const signature = hex(await crypto.subtle.sign('HMAC', key, encoder.encode(stringToSign)));
  return `SDK-HMAC-SHA256 Access=${accessKeyId}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`;
}

/** Each segment percent-encoded (unreserved characters kept), always ending in `/`. */
function canonicalUri(path) {
  const encoded = path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
    )
    .join('/');
  return encoded.endsWith('/') ? encoded : encoded + '/';
}

function hmacKey(secret) {
  let key = hmacKeys.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    hmacKeys.set(secret, key);
  }
  return key;
}

function hex(buffer) {
  let text = '';
  for (const byte of new Uint8Array(buffer)) text += byte.toString(16).padStart(2, '0');
  return text;
}
