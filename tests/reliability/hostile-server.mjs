// The hostile server: answers every request from a seeded generator, at the socket level (Node's `net`, so it
// can lie in Content-Length, cut a chunk, drip a byte at a time, send a RST). A request's exchange is named by
// its path, `/h/<index>/...` (the package keeps an endpoint's path prefix), and what it gets derives from
// (seed, index, method, path, body, how many same requests came before): concurrency changes nothing.
//
// It listens on several ports of 127.0.0.1: Chromium opens at most 6 connections per origin, and redirects
// to "another origin" need one. Run it in a worker thread (hostile.mjs does) so that its timers do not share
// the event loop of the calls whose settle time is measured.
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { gzipSync, deflateSync } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';
import { stream, uuid } from './hostile-client.mjs';

/** The decoded size of the gzip bomb: 256 MiB of zeros, about 250 KiB on the wire. */
const BOMB_BYTES = 256 << 20;

/** No connection outlives this, whatever a behaviour says (a client that never closes a hung one). */
const CONNECTION_LIMIT_MS = 20000;

/** What an answer to an API request does, and how often. */
const BEHAVIOURS = [
  ['valid', 30],
  ['kps-error', 10],
  ['throttled', 7],
  ['html', 4],
  ['any-status', 5],
  ['echo', 5],
  ['headers', 6],
  ['drip', 5],
  ['chunked-cut', 5],
  ['length-lie', 5],
  ['bad-utf8', 4],
  ['gzip', 5],
  ['redirect', 5],
  ['reset', 5],
  ['close', 2],
  ['hang', 2],
  ['huge', 2],
  ['odd-json', 6],
];

const KPS_ERRORS = [
  [400, 'KPS.0001'], [400, 'KPS.0002'], [400, 'KPS.0005'], [400, 'KPS.4016'], [400, 'KPS.6004'], [400, 'KPS.6011'],
  [401, 'KPS.9001'], [403, 'KPS.6009'], [403, 'KPS.9003'], [403, 'KPS.9004'], [404, 'APIGW.0101'],
  [401, 'APIGW.0301'], [500, 'KPS.0003'], [500, 'KPS.0004'], [500, 'KPS.5001'], [503, 'KPS.0003'],
  [429, 'APIGW.0308'], [413, 'APIGW.0201'], [409, 'KPS.0002'],
];

const TASK_STATUSES = [
  'SUCCESS_UNBIND', 'SUCCESS_UNBIND', 'RUNNING_UNBIND', 'READY_UNBIND', 'FAILED_UNBIND', 'SUCCESS_RESET',
  'FAILED_REPLACE', 'SOMETHING_NEW', '',
];

const RETRY_AFTERS = [
  '0', '1', '-1', '1.5', ' 2 ', '999999', '99999999999999999999', 'abc', '', 'Wed, 21 Oct 2015 07:28:00 GMT',
  'Fri, 31 Dec 9999 23:59:59 GMT', 'Thu, 01 Jan 1970 00:00:00 GMT', '1, 2', '0x10', '1e3', 'NaN', 'Infinity',
];

/** Starts serving on `portCount` ports; resolves with { ports, stats, close }. */
export async function startHostileServer({ seed, portCount, trace = false }) {
  const bomb = gzipSync(Buffer.alloc(BOMB_BYTES), { level: 9 });
  const deflateBomb = deflateSync(Buffer.alloc(BOMB_BYTES >> 2), { level: 9 });
  const context = { seed, bomb, deflateBomb, ports: [], seen: new Map(), sockets: new Set(), trace, stats: { requests: 0, preflights: 0, behaviours: {} } };
  const servers = [];
  for (let i = 0; i < portCount; i++) {
    const server = createServer((socket) => serve(socket, context));
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    servers.push(server);
    context.ports.push(server.address().port);
  }
  return {
    ports: context.ports,
    stats: context.stats,
    close: () => {
      const closed = Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      context.sockets.forEach((socket) => socket.destroy());
      return closed;
    },
  };
}

/** Reads one request from `socket` and answers it; one request per connection. */
function serve(socket, context) {
  const timers = new Set();
  const later = (ms, action) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!socket.destroyed) action();
    }, ms);
    timers.add(timer);
  };
  socket.setNoDelay(true);
  context.sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => {
    context.sockets.delete(socket);
    timers.forEach(clearTimeout);
  });
  later(CONNECTION_LIMIT_MS, () => socket.destroy());
  let buffered = Buffer.alloc(0);
  let handled = false;
  socket.on('data', (data) => {
    if (handled) return;
    buffered = Buffer.concat([buffered, data]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const request = parseHead(buffered.subarray(0, end).toString('latin1'));
    const body = buffered.subarray(end + 4);
    if (body.length < request.contentLength) return;
    handled = true;
    request.body = body.subarray(0, request.contentLength).toString('utf8');
    answer(socket, request, context, later);
  });
}

function parseHead(text) {
  const [line, ...lines] = text.split('\r\n');
  const [method, target] = line.split(' ');
  const headers = {};
  for (const header of lines) {
    const colon = header.indexOf(':');
    if (colon > 0) headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return { method, target, headers, contentLength: Number(headers['content-length'] ?? 0) || 0 };
}

/** Chooses and plays the answer to `request`. */
function answer(socket, request, context, later) {
  const match = /^\/h\/(\d+)(\/[^?]*)?(\?.*)?$/.exec(request.target ?? '');
  const index = match ? match[1] : 'none';
  const path = match?.[2] ?? '/';
  const bodyHash = createHash('sha256').update(request.body).digest('hex').slice(0, 16);
  const key = `${index} ${request.method} ${path}${match?.[3] ?? ''} ${bodyHash}`;
  const count = (context.seen.get(key) ?? 0) + 1;
  context.seen.set(key, count);
  const r = stream(context.seed, index, 'server', key, count);
  const origin = request.headers.origin;
  const cors = corsHeaders(r, origin);
  const out = { socket, r, cors, later, request, context, index, path };
  if (request.method === 'OPTIONS') {
    context.stats.preflights++;
    return preflight(out);
  }
  context.stats.requests++;
  const endless = endlessList(context.seed, index, request, path, match?.[3] ?? '');
  const behaviour = endless ? 'endless-list' : r.weighted(BEHAVIOURS);
  if (context.trace) console.log(`hostile server: ${Math.round(performance.now())} ms exchange ${index}: ${key} #${count} -> ${behaviour}`);
  context.stats.behaviours[behaviour] = (context.stats.behaviours[behaviour] ?? 0) + 1;
  PLAYS[behaviour](out);
}

/**
 * A fleet's whole-list reading (pages of `limit=1000`) that never ends by itself, for one list of one exchange
 * in ten: every page full, with a huge `total`, the same page whatever the offset, or fresh pages up to the
 * largest list a fleet reads (100,000 tasks). The same for every page of that list, so the reading meets it
 * page after page; `null` for any other request.
 */
function endlessList(seed, index, request, path, query) {
  if (request.method !== 'GET' || !/\/(running|failed)-tasks$/.test(path) || !/[?&]limit=1000(&|$)/.test(query)) return null;
  const r = stream(seed, index, 'endless-list', path);
  if (!r.chance(0.1)) return null;
  return r.weighted([['huge-total', 1], ['same-page', 1], ['largest', 1]]);
}

/** CORS response headers: right most of the time, missing or wrong now and then (the browser must refuse). */
function corsHeaders(r, origin) {
  if (origin === undefined) return [];
  const expose = ['Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, Content-Encoding'];
  switch (r.weighted([['right', 90], ['star', 4], ['missing', 3], ['wrong', 3]])) {
    case 'right':
      return [['Access-Control-Allow-Origin', origin], ['Vary', 'Origin'], expose];
    case 'star':
      return [['Access-Control-Allow-Origin', '*'], expose];
    case 'missing':
      return [];
    default:
      return [['Access-Control-Allow-Origin', 'http://wrong.invalid'], expose];
  }
}

function preflight({ socket, r, cors, request, later }) {
  const asked = request.headers['access-control-request-headers'] ?? '';
  const allow = [
    ['Access-Control-Allow-Methods', 'GET, POST, DELETE'],
    ['Access-Control-Allow-Headers', asked],
    ['Access-Control-Max-Age', '0'],
  ];
  switch (r.weighted([['right', 88], ['no-allow-headers', 3], ['error-status', 3], ['reset', 2], ['hang', 2], ['redirect', 2]])) {
    case 'right':
      return respond(socket, 204, [...cors, ...allow], '');
    case 'no-allow-headers':
      return respond(socket, 204, [...cors, allow[0]], '');
    case 'error-status':
      return respond(socket, r.pick([403, 404, 500, 502]), [...cors, ...allow], 'no');
    case 'reset':
      return reset(socket);
    case 'hang':
      return later(CONNECTION_LIMIT_MS - 1000, () => socket.destroy());
    default:
      return respond(socket, 307, [...cors, ...allow, ['Location', request.target]], '');
  }
}

/** Writes a whole response and closes the connection. */
function respond(socket, status, headers, body, { reason = 'X', length = true, close = true } = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const all = [...headers];
  if (length) all.push(['Content-Length', String(bytes.length)]);
  if (close) all.push(['Connection', 'close']);
  socket.write(head(status, all, reason));
  socket.end(bytes);
}

function head(status, headers, reason = 'X') {
  return `HTTP/1.1 ${status} ${reason}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

function reset(socket) {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

const json = (value) => JSON.stringify(value);
const requestId = (r) => [['X-Request-Id', r.hex(32)]];
const jsonType = [['Content-Type', 'application/json;charset=UTF-8']];

/** The answer a real KPS would give to this route: status and JSON body. */
function validAnswer({ r, request, path }) {
  const listed = (failed) => {
    const tasks = Array.from({ length: r.int(0, 3) }, () => {
      const task = {
        task_id: uuid(r),
        operate_type: 'unbind',
        task_time: r.chance(0.5) ? String(Date.now() - r.int(0, 1e6)) : Date.now() - r.int(0, 1e6),
        server_name: `ecs-${r.hex(4)}`,
        server_id: uuid(r),
        keypair_name: `kp-${r.hex(4)}`,
      };
      if (failed) Object.assign(task, { task_error_code: 'KPS.6009', task_error_msg: 'keypair verify failed' });
      return task;
    });
    return [200, { total: tasks.length, tasks }];
  };
  if (request.method === 'POST') {
    let serverId = uuid(r);
    try {
      serverId = JSON.parse(request.body).server.id;
    } catch {
      // Not the package's body: any server.
    }
    return r.chance(0.9)
      ? [202, { task_id: uuid(r) }]
      : [202, { task_id: uuid(r), server_id: serverId, status: 'FAILED', error_code: 'KPS.6009', error_msg: 'verify failed' }];
  }
  if (request.method === 'DELETE') return [r.pick([200, 204]), null];
  if (path.includes('/running-tasks')) return listed(false);
  if (path.includes('/failed-tasks')) return listed(true);
  const taskId = /\/tasks\/([^/]+)/.exec(path)?.[1] ?? uuid(r);
  return [200, { server_id: uuid(r), task_id: taskId, task_status: r.pick(TASK_STATUSES) }];
}

function sendValid(out, extra = []) {
  const [status, body] = validAnswer(out);
  const text = body === null ? '' : json(body);
  respond(out.socket, status, [...out.cors, ...requestId(out.r), ...(text ? jsonType : []), ...extra], text);
}

/** The secrets of a request, as a server that echoes them would: its token, signature, security token, body. */
function echoed(request) {
  return [request.headers['x-auth-token'], request.headers.authorization, request.headers['x-security-token'], request.body]
    .filter(Boolean)
    .join(' ');
}

const PLAYS = {
  valid: (out) => sendValid(out),

  'kps-error': ({ socket, r, cors }) => {
    const [status, code] = r.pick(KPS_ERRORS);
    const body = r.chance(0.8) ? json({ error_code: code, error_msg: `hostile ${code}` }) : json({ error_msg: 'no code' });
    respond(socket, status, [...cors, ...requestId(r), ...jsonType], body);
  },

  throttled: ({ socket, r, cors }) => {
    const afters = Array.from({ length: r.weighted([[0, 1], [1, 6], [2, 1]]) }, () => ['Retry-After', r.pick(RETRY_AFTERS)]);
    const status = r.weighted([[429, 4], [503, 1]]);
    const body = json({ error_code: status === 429 ? 'APIGW.0308' : 'KPS.0003', error_msg: 'slow down' });
    respond(socket, status, [...cors, ...requestId(r), ...jsonType, ...afters], body);
  },

  html: ({ socket, r, cors }) => {
    const status = r.pick([502, 504, 500, 403, 200]);
    const body = `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
    respond(socket, status, [...cors, ['Content-Type', 'text/html'], ['Server', 'nginx']], body);
  },

  'any-status': ({ socket, r, cors, later }) => {
    const status = r.weighted([[r.int(100, 199), 1], [r.int(200, 599), 8], [r.int(600, 999), 1]]);
    if (status < 200 && r.chance(0.5)) {
      // An informational answer, then the real one a little later (or never: the client must time out).
      socket.write(head(status, []));
      if (r.chance(0.5)) later(r.int(10, 500), () => respond(socket, 202, [...cors, ...jsonType], json({ task_id: uuid(r) })));
      return;
    }
    const body = r.pick(['', '{}', 'null', '[]', json({ task_id: uuid(r) }), 'not json at all', json({ error_code: 7 })]);
    respond(socket, status, [...cors, ...requestId(r), ...jsonType], body);
  },

  echo: (out) => {
    const { socket, r, cors, request } = out;
    const secret = echoed(request);
    const escaped = r.pick([
      secret,
      json(secret).slice(1, -1),
      encodeURIComponent(secret),
      secret.split('').join(' '),
    ]);
    const [status, code] = r.chance(0.6) ? r.pick(KPS_ERRORS) : [202, undefined];
    let body =
      status === 202
        ? json({ task_id: r.chance(0.5) ? escaped : uuid(r), error_msg: escaped, server_id: escaped })
        : json({ error_code: r.chance(0.8) ? code : escaped, error_msg: `echo: ${escaped}` });
    if (r.chance(0.3)) {
      // Cut short inside the last echo: the beginning of one of its secrets may end the body.
      const at = body.lastIndexOf(escaped);
      if (at >= 0 && escaped.length > 9) body = body.slice(0, at + r.int(8, escaped.length - 1));
    }
    const id = request.headers['x-auth-token'] ?? request.headers.authorization ?? 'none';
    respond(socket, status, [...cors, ['X-Request-Id', id.replace(/[\r\n]/g, '')], ...jsonType], body);
  },

  headers: (out) => {
    const { socket, r, cors } = out;
    const body = json({ task_id: uuid(r) });
    switch (r.pick(['two-lengths', 'no-length', 'huge-header', 'many-headers', 'no-type', 'two-ids', 'http10', 'garbage-line', 'bad-header'])) {
      case 'two-lengths':
        return respond(socket, 202, [...cors, ...jsonType, ['Content-Length', String(body.length + 3)]], body);
      case 'no-length':
        // Delimited by the close alone.
        socket.write(head(202, [...cors, ...jsonType, ['Connection', 'close']]));
        return socket.end(body);
      case 'huge-header':
        return respond(socket, 202, [...cors, ...jsonType, ['X-Request-Id', 'r'.repeat(r.int(8000, 200000))]], body);
      case 'many-headers':
        return respond(socket, 202, [...cors, ...jsonType, ...Array.from({ length: r.int(100, 3000) }, (_, i) => [`X-H${i}`, 'v'])], body);
      case 'no-type':
        return respond(socket, 202, [...cors, ...requestId(r)], body);
      case 'two-ids':
        return respond(socket, 202, [...cors, ...requestId(r), ...requestId(r), ...jsonType], body);
      case 'http10':
        socket.write(`HTTP/1.0 202 Accepted\r\n${cors.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Content-Type: application/json\r\n\r\n`);
        return socket.end(body);
      case 'garbage-line':
        socket.write(r.pick(['HTTP/1.1 abc\r\n\r\n', 'HTTP/9.9 202 X\r\n\r\n', 'hello\r\n\r\n', '\r\n\r\n', 'HTTP/1.1 202\n\n{}']));
        return socket.end();
      default:
        return respond(socket, 202, [...cors, ...jsonType, ['X-Bad', 'a\x01b'], ['Bad Name', 'x']], body);
    }
  },

  drip: (out) => {
    const { socket, r, cors, later } = out;
    const [status, value] = validAnswer(out);
    const body = Buffer.from(value === null ? '' : json(value));
    const perByte = r.int(2, 300);
    const headersToo = r.chance(0.3);
    const bytes = Buffer.concat([
      Buffer.from(head(status, [...cors, ...requestId(r), ...jsonType, ['Content-Length', String(body.length)], ['Connection', 'close']])),
      body,
    ]);
    let at = 0;
    if (!headersToo) {
      at = bytes.length - body.length;
      socket.write(bytes.subarray(0, at));
    }
    const step = () => {
      if (at >= bytes.length) return socket.end();
      socket.write(bytes.subarray(at, at + 1));
      at++;
      later(perByte, step);
    };
    later(perByte, step);
  },

  'chunked-cut': (out) => {
    const { socket, r, cors, later } = out;
    const [status, value] = validAnswer(out);
    const body = json(value ?? { task_id: uuid(r) });
    socket.write(head(status, [...cors, ...requestId(r), ...jsonType, ['Transfer-Encoding', 'chunked']]));
    const cut = r.int(0, body.length);
    socket.write(`${(body.length + 10).toString(16)}\r\n${body.slice(0, cut)}`);
    const how = r.pick(['close', 'reset', 'hang', 'bad-size']);
    if (how === 'close') socket.end();
    else if (how === 'reset') later(r.int(0, 200), () => reset(socket));
    else if (how === 'bad-size') socket.end('\r\nzz\r\n\r\n');
  },

  'length-lie': (out) => {
    const { socket, r, cors, later } = out;
    const [status, value] = validAnswer(out);
    const body = json(value ?? { task_id: uuid(r) });
    const how = r.pick(['longer-close', 'longer-hang', 'shorter', 'negative', 'not-a-number', 'huge']);
    const declared = {
      'longer-close': body.length + r.int(1, 1000),
      'longer-hang': body.length + r.int(1, 1000),
      shorter: Math.max(0, body.length - r.int(1, body.length)),
      negative: -5,
      'not-a-number': 'twelve',
      huge: '99999999999999999999',
    }[how];
    socket.write(head(status, [...cors, ...requestId(r), ...jsonType, ['Content-Length', String(declared)]]));
    socket.write(body);
    if (how !== 'longer-hang') later(r.int(0, 100), () => socket.end());
  },

  'bad-utf8': ({ socket, r, cors }) => {
    const bad = r.pick([
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from('{"task_id":"\xc3\x28"}', 'latin1'),
      Buffer.from('{"task_id":"\xed\xa0\x80"}', 'latin1'),
      Buffer.from('{"error_code":"KPS.0002","error_msg":"\xc0\xaf\xe0\x80\xaf"}', 'latin1'),
      Buffer.from('\xef\xbb\xbf{"task_id":"a"}', 'latin1'),
      Buffer.from('{"task_id":"\xf4\x90\x80\x80"}', 'latin1'),
    ]);
    respond(socket, r.pick([200, 202, 400, 500]), [...cors, ...requestId(r), ...jsonType], bad);
  },

  gzip: (out) => {
    const { socket, r, cors, context } = out;
    const [status] = validAnswer(out);
    const how = r.pick(['bomb', 'bomb-no-length', 'deflate-bomb', 'not-gzip', 'valid-gzip', 'unknown-coding']);
    const encoded = {
      bomb: [context.bomb, 'gzip'],
      'bomb-no-length': [context.bomb, 'gzip'],
      'deflate-bomb': [context.deflateBomb, 'deflate'],
      'not-gzip': [Buffer.from(json({ task_id: uuid(r) })), 'gzip'],
      'valid-gzip': [gzipSync(json({ task_id: uuid(r) })), 'gzip'],
      'unknown-coding': [Buffer.from(json({ task_id: uuid(r) })), 'x-hostile'],
    }[how];
    const headers = [...cors, ...requestId(r), ...jsonType, ['Content-Encoding', encoded[1]]];
    if (how === 'bomb-no-length') {
      socket.write(head(status, [...headers, ['Connection', 'close']]));
      return socket.end(encoded[0]);
    }
    respond(socket, status, headers, encoded[0]);
  },

  redirect: ({ socket, r, cors, request, index, context, path }) => {
    const elsewhere = `http://127.0.0.1:${r.pick(context.ports)}`;
    const location = r.pick([
      request.target,
      `/h/${index}${path}`,
      `/h/${Number(index) + 1}${path}`,
      `${elsewhere}${request.target}`,
      'http://example.invalid/v3/',
      '::not a url::',
      undefined,
    ]);
    const headers = [...cors, ...requestId(r)];
    if (location !== undefined) headers.push(['Location', location]);
    respond(socket, r.pick([301, 302, 303, 307, 308, 300]), headers, '');
  },

  reset: (out) => {
    const { socket, r, cors, later } = out;
    const when = r.pick(['at-once', 'after-headers', 'mid-body', 'later']);
    if (when === 'at-once') return reset(socket);
    if (when === 'later') return later(r.int(10, 1500), () => reset(socket));
    const body = json({ task_id: uuid(r) });
    socket.write(head(202, [...cors, ...requestId(r), ...jsonType, ['Content-Length', String(body.length)]]));
    if (when === 'mid-body') socket.write(body.slice(0, r.int(0, body.length - 1)));
    later(r.int(0, 100), () => reset(socket));
  },

  close: ({ socket, r, later }) => later(r.int(0, 500), () => socket.end()),

  hang: () => {},

  huge: ({ socket, r, cors }) => {
    const padding = 'x'.repeat(r.pick([(1 << 20) + 10, 2 << 20, (1 << 20) - 40]));
    respond(socket, 202, [...cors, ...requestId(r), ...jsonType], json({ task_id: uuid(r), padding }));
  },

  'endless-list': ({ socket, r, cors, context, index, request, path }) => {
    const query = request.target.slice(request.target.indexOf('?'));
    const offset = Number(/[?&]offset=(\d+)/.exec(query)?.[1] ?? 0);
    const kind = endlessList(context.seed, index, request, path, query);
    // The same page whatever the offset comes from a stream of the list alone; the others from the offset.
    const page = stream(context.seed, index, 'endless-page', path, kind === 'same-page' ? 0 : offset);
    const failed = path.endsWith('failed-tasks');
    const tasks = Array.from({ length: 1000 }, () => ({
      task_id: uuid(page),
      operate_type: 'unbind',
      task_time: Date.now(),
      server_id: uuid(page),
      ...(failed ? { task_error_code: 'KPS.6009', task_error_msg: 'keypair verify failed' } : {}),
    }));
    const total = { 'huge-total': r.int(1e6, 1e9), 'same-page': 5000, largest: 100000 }[kind];
    respond(socket, 200, [...cors, ...requestId(r), ...jsonType], json({ total, tasks }));
  },

  'odd-json': (out) => {
    const { socket, r, cors } = out;
    const taskId = uuid(r);
    const body = r.pick([
      '['.repeat(r.int(1000, 200000)),
      `{"task_id":"${taskId}","task_id":"${uuid(r)}"}`,
      `{"task_id":${'9'.repeat(400)}}`,
      `{"total":1e309,"tasks":[]}`,
      `{"total":${r.int(1000, 1e9)},"tasks":[{"task_id":"${taskId}"}]}`,
      `{"task_id":"${'a'.repeat(r.int(100, 100000))}"}`,
      `{"task_id":null,"task_status":{}}`,
      `{"server_id":"${uuid(r)}","task_id":"${taskId}","task_status":"SUCCESS_UNBIND"`,
      `{"task_id":"${taskId}"}   garbage`,
      `{"task_id":"\\ud800"}`,
      `{"error_code":"KPS.0002","error_msg":${json('m'.repeat(r.int(1000, 500000)))}}`,
      `{"tasks":[${Array.from({ length: r.int(100, 3000) }, () => '{}').join(',')}],"total":3000}`,
    ]);
    respond(socket, r.pick([200, 202, 400, 500]), [...cors, ...requestId(r), ...jsonType], body);
  },
};

// Started as a worker thread by hostile.mjs: serve, report the ports, and stop when told.
if (parentPort && workerData?.hostile) {
  const server = await startHostileServer(workerData.hostile);
  parentPort.postMessage({ ports: server.ports });
  parentPort.on('message', async (message) => {
    if (message === 'stats') parentPort.postMessage({ stats: server.stats });
    if (message === 'close') {
      await server.close();
      parentPort.postMessage({ closed: true });
    }
  });
}
