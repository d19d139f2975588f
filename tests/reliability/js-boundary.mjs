// The js-boundary stage of `cargo xtask fuzz` (issue #15, item 3): arbitrary JavaScript values as the options
// of every exported function that takes options, in Node, with fast-check.
//
// A value is generated as a *spec* (plain data, printed as the counterexample) and built fresh for each use,
// so that stateful values (getters that count their reads, Proxies whose `get` answers differently each time)
// behave the same for the call and for `validateOptions`. Values are valid option sets, valid sets with one
// field mutated (at any depth: `credentials`, `auth`, `servers[i]`), hostile objects (Proxies whose traps throw
// or lie, revoked Proxies, throwing or varying getters, null-prototype, class instances, frozen, sealed,
// cyclic) and garbage (symbols, BigInt, edge numbers, lone surrogates, strings of megabytes).
//
// For every value, whatever it is:
// - the call settles within SETTLE_MS: an async function returns a promise that resolves or rejects; the
//   synchronous `signRequest` returns or throws;
// - it rejects or throws only a KpsError with a known name (a KpsValidationError names its `field`);
// - `validateOptions(name, value)` returns the same error (name, field, message), or `undefined` exactly when
//   the call sent a request (an AbortSignal aborted beforehand aside: then no request and a KpsAbortError);
// - no request is sent for invalid options; a request carries the values validation saw (the first read of
//   each property), and no property is read twice by one call;
// - no secret of the options (token, secret key, security token, auth key) is in any field of an error, its
//   String(), stack or JSON;
// - no unhandled rejection, no uncaught exception, no wasm trap; after the run a normal call still works.
//
// `fetch` is a stub in this process (the package calls the global `fetch` at each request) that counts the
// requests and answers as KPS does, so that valid calls complete. Run by `cargo xtask fuzz --stage
// js-boundary` (full) and `cargo xtask test` (smoke); by hand:
//   node tests/reliability/js-boundary.mjs --seed HEX [--values N] [--only FUNCTION] [--path PATH] [--report FILE]
// A failure prints the seed, the function, fast-check's path and the shrunk value: the same seed and values
// replay it (`--only` and `--path` go straight to it).

import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import * as kps from 'kps-wasm';

const SETTLE_MS = 15_000;

// The package's clock runs TIME_SCALE times faster than the real one: its timers (setTimeout) and its reading of
// the time (Date.now), so that pauses and the deadlines they wait for shrink alike. A fleet's 20 s between
// rounds would otherwise take most of the run; what a call does is unchanged. The harness keeps the real
// setTimeout for its own bound.
const TIME_SCALE = 100;
const realNow = Date.now;
const epoch = realNow();
Date.now = () => epoch + (realNow() - epoch) * TIME_SCALE;
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (callback, ms, ...rest) => realSetTimeout(callback, Math.floor((Number(ms) || 0) / TIME_SCALE), ...rest);

let options; // the command line, parsed in main()

// ---------------------------------------------------------------------------------------------------------
// The fetch stub: a KPS that accepts every request.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let requests = [];
let taskServers = new Map();
let taskCounter = 0;

globalThis.fetch = async (url, init = {}) => {
  const headers = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const request = { url: String(url), method: init.method ?? 'GET', headers, body: init.body };
  requests.push(request);
  const { pathname } = new URL(request.url);
  const json = (status, body) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'x-request-id': `req-${requests.length}` },
    });
  if (request.method === 'POST' && pathname.endsWith('/keypairs/disassociate')) {
    const serverId = JSON.parse(request.body).server.id;
    const taskId = `7a5c0000-0000-4000-8000-${String(++taskCounter).padStart(12, '0')}`;
    taskServers.set(taskId, serverId);
    return json(202, { task_id: taskId });
  }
  if (request.method === 'GET' && /\/(running|failed)-tasks$/.test(pathname)) return json(200, { total: 0, tasks: [] });
  const task = /\/tasks\/([^/]+)$/.exec(pathname);
  if (request.method === 'GET' && task) {
    const taskId = decodeURIComponent(task[1]);
    const serverId = taskServers.get(taskId) ?? 'd76baba7-ef09-40a2-87ff-3eafec0696e7';
    return json(200, { server_id: serverId, task_id: taskId, task_status: 'SUCCESS_UNBIND' });
  }
  if (request.method === 'DELETE' && /\/failed-tasks(\/[^/]+)?$/.test(pathname)) return json(204);
  return json(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published' });
};

let unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(`unhandled rejection: ${describe(reason)}`));
process.on('uncaughtException', (error) => unhandled.push(`uncaught exception: ${describe(error)}`));

// ---------------------------------------------------------------------------------------------------------
// Specs, and building live values from them.

/** What one build of a spec did: reads of each property path, the values present, the secrets placed. */
class Built {
  constructor() {
    this.reads = new Map(); // path → values returned by getters and Proxy `get` traps, in order
    this.present = new Map(); // path → the value of a plain data property
    this.secrets = new Set(); // canaries placed at secret paths
  }
  read(path, value) {
    if (!this.reads.has(path)) this.reads.set(path, []);
    this.reads.get(path).push(value);
  }
  /** Forgets what was built below `path`: a getter's side effect replaced the property there. */
  forgetBelow(path) {
    for (const map of [this.present, this.reads]) {
      for (const key of [...map.keys()]) {
        if (key.startsWith(`${path}.`) || key.startsWith(`${path}[`)) map.delete(key);
      }
    }
  }
  /** The value validation saw at `path`: the first read of a getter or Proxy, else the data property. */
  seen(path) {
    if (this.reads.has(path)) return this.reads.get(path)[0];
    return this.present.get(path);
  }
}

class Options {}
class Servers extends Array {}

function build(spec, built, path = '', parent = undefined) {
  switch (spec.t) {
    case 'v':
      return spec.v;
    case 'big':
      return BigInt(spec.v);
    case 'sym':
      return spec.registered ? Symbol.for(spec.d) : Symbol(spec.d);
    case 'huge':
      return spec.c.repeat(spec.n);
    case 'secret':
      built.secrets.add(spec.s);
      return spec.pre + spec.s + spec.post;
    case 'cycle':
      return parent;
    case 'fn':
      return spec.async ? async () => {} : () => {};
    case 'date':
      return new Date(spec.v);
    case 'signal': {
      const controller = new AbortController();
      if (spec.aborted) controller.abort('fuzz: aborted before the call');
      return controller.signal;
    }
    case 'builtin':
      return builtin(spec.w);
    case 'arr': {
      const array = spec.cls ? new Servers() : [];
      spec.items.forEach((item, i) => {
        const at = `${path}[${i}]`;
        if (item.t === 'get') return defineGetter(array, i, item, built, at, path);
        const value = build(item, built, at, array);
        array.push(value);
        built.present.set(at, value);
      });
      return array;
    }
    case 'get':
      // A getter where there is no property to put it (the options themselves): its first value.
      return build(spec.vals[0], built, path, parent);
    case 'obj':
      return object(spec, built, path);
    case 'proxy':
      return proxy(spec, built, path);
    default:
      throw new Error(`fuzz harness: unknown spec ${spec.t}`);
  }
}

function builtin(which) {
  switch (which) {
    case 'map':
      return new Map([['token', 'x']]);
    case 'set':
      return new Set(['x']);
    case 'bytes':
      return new Uint8Array([1, 2, 3]);
    case 'boxed':
      return new String('cn-north-4');
    case 'error':
      return new Error('an error as an option');
    case 'regexp':
      return /cn-north-4/;
    case 'promise':
      return Promise.resolve('x');
    case 'url':
      return new URL('https://kms.cn-north-4.myhuaweicloud.com');
    case 'weakref':
      return new WeakRef({});
    case 'fakeSignal':
      // An object of a class with the shape of an AbortSignal: taken as one (a polyfill's, another realm's).
      return Object.assign(new Options(), { aborted: false, addEventListener() {}, removeEventListener() {} });
    case 'fakeSignalAborted':
      return Object.assign(new Options(), { aborted: true, addEventListener() {}, removeEventListener() {} });
    case 'fakeSignalThrows': {
      let reads = 0;
      const signal = new Options();
      Object.defineProperty(signal, 'aborted', {
        get() {
          if (reads++ > 0) throw new Error('fuzz: aborted threw');
          return false;
        },
      });
      signal.addEventListener = () => {
        throw new Error('fuzz: addEventListener threw');
      };
      signal.removeEventListener = () => {};
      return signal;
    }
    case 'signalProxy':
      // instanceof AbortSignal holds, but its getters refuse a Proxy as `this`.
      return new Proxy(new AbortController().signal, {});
    case 'servers1000':
      return Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    case 'servers1001':
      return Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    case 'sparse': {
      const array = ['d76baba7-ef09-40a2-87ff-3eafec0696e7'];
      array.length = 2 ** 32 - 1;
      return array;
    }
    case 'deep': {
      let nested = { token: 'x' };
      for (let i = 0; i < 10_000; i++) nested = { auth: nested, credentials: nested };
      return nested;
    }
    case 'wide':
      return Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    case 'longKey':
      return { ['serverId'.repeat(100_000)]: 'x', ['tok\uD800en']: 'y' };
    case 'symbolKeys':
      return { [Symbol('token')]: 'x', [Symbol.for('serverId')]: 'y' };
    default:
      throw new Error(`fuzz harness: unknown builtin ${which}`);
  }
}

function child(path, key) {
  return path === '' ? key : `${path}.${key}`;
}

function object(spec, built, path) {
  const target = spec.proto === 'null' ? Object.create(null) : spec.proto === 'class' ? new Options() : {};
  for (const [key, value] of spec.e) {
    // What is under a non-enumerable property is no option: its paths must not stand for the options'.
    const at = value.hidden === true ? `(hidden)${child(path, key)}` : child(path, key);
    if (value.t === 'get') {
      defineGetter(target, key, value, built, at, path);
    } else {
      const result = build(value, built, at, target);
      // A non-enumerable property is no option (Object.keys, spread and JSON leave it out).
      if (value.hidden !== true) built.present.set(at, result);
      Object.defineProperty(target, key, {
        value: result,
        enumerable: value.hidden !== true,
        configurable: true,
        writable: true,
      });
    }
  }
  if (spec.sym) {
    // Symbol-keyed properties are no options (Object.keys leaves them out).
    target[Symbol('token')] = 'not an option';
    target[Symbol.for('serverId')] = 'not an option';
  }
  if (spec.seal === 'freeze') Object.freeze(target);
  else if (spec.seal === 'seal') Object.seal(target);
  else if (spec.seal === 'noext') Object.preventExtensions(target);
  return target;
}

/**
 * A getter that logs each read, answers `spec.vals` in turn, and throws at read `spec.throwAt`. With
 * `spec.sideEffect`, its first read also replaces another property of the object (with a logging getter, so
 * that what the package then reads of it is known).
 */
function defineGetter(target, key, spec, built, at, path) {
  let count = 0;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const n = count++;
      // What was built below the property this getter replaced is not what the package reads from now on.
      if (n === 0 && spec.replacing) built.forgetBelow(at);
      if (n === 0 && spec.sideEffect) {
        const { key: other, value } = spec.sideEffect;
        defineGetter(target, other, { t: 'get', vals: [value], throwAt: -1, replacing: true }, built, child(path, other), path);
      }
      if (n === spec.throwAt) {
        built.read(at, '(threw)');
        throw new Error(`fuzz: the getter of ${at} threw`);
      }
      const result = build(spec.vals[n % spec.vals.length], built, at, target);
      built.read(at, result);
      return result;
    },
  });
}

function proxy(spec, built, path) {
  const target = build(spec.target, built, path);
  const reads = new Map();
  const handler = {};
  if (spec.ownKeys !== 'ok') {
    handler.ownKeys = (t) => {
      const keys = Reflect.ownKeys(t);
      switch (spec.ownKeys) {
        case 'throw':
          throw new Error('fuzz: ownKeys threw');
        case 'dup':
          return [...keys, keys[0] ?? 'token', keys[0] ?? 'token'];
        case 'nonstring':
          return [...keys, 42];
        case 'extra':
          return [...keys, 'ghost'];
        default:
          return keys.slice(1);
      }
    };
  }
  if (spec.get !== 'ok') {
    handler.get = (t, key, receiver) => {
      if (typeof key !== 'string') return Reflect.get(t, key, receiver);
      const n = reads.get(key) ?? 0;
      reads.set(key, n + 1);
      const at = child(path, key);
      if (spec.get === 'throw') {
        built.read(at, '(threw)');
        throw new Error(`fuzz: get ${at} threw`);
      }
      let value = Reflect.get(t, key, receiver);
      // 'vary': the first read is the target's value, every later one something else.
      if (spec.get === 'vary' && n > 0) value = typeof value === 'string' ? `${value}-${n}` : `changed-${n}`;
      if (spec.get === 'undef') value = undefined;
      built.read(at, value);
      return value;
    };
  }
  if (spec.has === 'lie') handler.has = (t, key) => !Reflect.has(t, key);
  if (spec.gopd !== 'ok') {
    handler.getOwnPropertyDescriptor = (t, key) => {
      if (spec.gopd === 'throw') throw new Error('fuzz: getOwnPropertyDescriptor threw');
      if (spec.gopd === 'undef') return undefined;
      return { value: 'lie', writable: true, enumerable: true, configurable: true };
    };
  }
  if (spec.proto !== 'ok') {
    handler.getPrototypeOf = () => {
      if (spec.proto === 'throw') throw new Error('fuzz: getPrototypeOf threw');
      return spec.proto === 'null' ? null : spec.proto === 'array' ? Array.prototype : Options.prototype;
    };
  }
  if (spec.revoked) {
    const { proxy: revocable, revoke } = Proxy.revocable(target, handler);
    revoke();
    return revocable;
  }
  return new Proxy(target, handler);
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries.

const v = (value) => ({ t: 'v', v: value });
const hex = (length) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const canary = hex(16).map((h) => `CANARY${h}`);
const secret = (pre = fc.constant(''), post = fc.constant('')) =>
  fc.record({ t: fc.constant('secret'), s: canary, pre, post });

const REGIONS = ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'la-south-2', 'af-north-1', 'cn-southwest-3'];
const ENDPOINTS = [
  'https://kms.cn-north-4.myhuaweicloud.com',
  'http://127.0.0.1:8787',
  'http://localhost:8787/kps/',
  'https://kms.example.internal:8443/prefix',
  'http://[::1]:9000',
];
const EDGE_NUMBERS = [
  -0, 0, NaN, Infinity, -Infinity, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, -(2 ** 53 + 1), 1e308, -1e308, 5e-324, 1, -1,
  0.5, 1.5, 99, 100, 600000, 600001, 86400000, 86400001, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 10, 11, 64, 65, 1000, 1001,
];
const OPTION_KEYS = [
  'token', 'credentials', 'region', 'endpoint', 'signingHost', 'timeoutMs', 'maxAttempts', 'signal',
  'allowInsecureHttp', 'onResponse', 'projectId', 'serverId', 'auth', 'taskId', 'intervalMs', 'waitTimeoutMs',
  'onProgress', 'limit', 'offset', 'servers', 'concurrency', 'wait', 'method', 'url', 'headers', 'body', 'date',
  'accessKeyId', 'secretAccessKey', 'securityToken', 'type', 'key',
];
const ODD_KEYS = ['serverID', 'authentication', 'Token', 'project_id', 'timeout', '__proto__', 'constructor', '', ' token', 'toString', 'then'];

const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 6 }))
  .map(([a, s, b]) => a + String.fromCharCode(s) + b);
const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '\r\n', '\0', 'cn-north-4 ', 'CN-NORTH-4', 'keypair', 'password') },
);
const number = fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.double(), fc.integer());
const huge = fc.record({
  t: fc.constant('huge'),
  n: fc.constantFrom(70_000, 1 << 20, 2 << 20),
  c: fc.constantFrom('a', 'a', 'é', '\u{1F600}', '\n'),
});

/** A value that is not an object tree: any primitive, or a leaf object of some class. */
const leaf = fc.oneof(
  { weight: 6, arbitrary: anyString.map(v) },
  { weight: 5, arbitrary: number.map(v) },
  { weight: 2, arbitrary: fc.constantFrom(true, false, null, undefined).map(v) },
  { weight: 1, arbitrary: fc.bigInt().map((b) => ({ t: 'big', v: String(b) })) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('sym'), d: fc.string({ maxLength: 8 }), registered: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fn'), async: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('date'), v: number }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('signal'), aborted: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('builtin'),
      w: fc.constantFrom(
        'map', 'set', 'bytes', 'boxed', 'error', 'regexp', 'promise', 'url', 'weakref', 'fakeSignal', 'fakeSignalAborted',
        'fakeSignalThrows', 'signalProxy', 'servers1000', 'servers1001', 'sparse', 'deep', 'wide', 'longKey', 'symbolKeys',
      ),
    }),
  },
);

const PROXY_MODES = {
  ownKeys: fc.constantFrom('ok', 'ok', 'throw', 'dup', 'nonstring', 'extra', 'missing'),
  get: fc.constantFrom('ok', 'ok', 'throw', 'vary', 'undef'),
  has: fc.constantFrom('ok', 'lie'),
  gopd: fc.constantFrom('ok', 'ok', 'throw', 'undef', 'lie'),
  proto: fc.constantFrom('ok', 'ok', 'ok', 'throw', 'null', 'array', 'class'),
  revoked: fc.boolean(),
};
const objectForm = {
  proto: fc.constantFrom('plain', 'plain', 'plain', 'null', 'class'),
  seal: fc.constantFrom('none', 'none', 'none', 'freeze', 'seal', 'noext'),
};

/** Garbage: leaves, and objects, arrays and Proxies of them, a few levels deep. */
const { garbage } = fc.letrec((tie) => ({
  garbage: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 8, arbitrary: leaf },
    { weight: 3, arbitrary: tie('object') },
    { weight: 1, arbitrary: tie('array') },
    { weight: 1, arbitrary: tie('proxy') },
    { weight: 1, arbitrary: fc.constant({ t: 'cycle' }) },
    { weight: 1, arbitrary: tie('getter') },
  ),
  object: fc.record({
    t: fc.constant('obj'),
    e: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...OPTION_KEYS, ...ODD_KEYS), fc.string({ maxLength: 6 })), tie('garbage')), {
      maxLength: 5,
    }),
    ...objectForm,
  }),
  array: fc.record({ t: fc.constant('arr'), items: fc.array(tie('garbage'), { maxLength: 4 }), cls: fc.boolean() }),
  proxy: fc.record({ t: fc.constant('proxy'), target: fc.oneof(tie('object'), tie('array')), ...PROXY_MODES }),
  getter: fc.record({
    t: fc.constant('get'),
    vals: fc.array(tie('garbage'), { minLength: 1, maxLength: 3 }),
    throwAt: fc.constantFrom(-1, -1, 0, 1),
  }),
}));
const garbageOrHuge = fc.oneof({ weight: 400, arbitrary: garbage }, { weight: 1, arbitrary: huge });

// Valid option sets, as lists of [key, spec] entries.
const obj = (entries) => ({ t: 'obj', e: entries, proto: 'plain', seal: 'none' });
const optional = (key, arbitrary) => fc.option(arbitrary.map((value) => [key, value]), { nil: undefined, freq: 2 });
const uuid = fc.uuid({ version: [1, 4, 5] }).map(v);
const projectId = hex(32).map(v);
const pem = secret(
  fc.constantFrom('-----BEGIN PRIVATE KEY-----\n', '-----BEGIN RSA PRIVATE KEY-----\n'),
  fc.constant('AAAA\n-----END PRIVATE KEY-----\n'),
).map((s) => (s.pre.includes('RSA') ? { ...s, post: 'AAAA\n-----END RSA PRIVATE KEY-----\n' } : s));
const auth = fc.oneof(
  pem.map((key) => obj([['type', v('keypair')], ['key', key]])),
  secret(fc.constantFrom('', 'pass '), fc.constantFrom('', '!')).map((key) => obj([['type', v('password')], ['key', key]])),
);
const credentials = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 20, maxLength: 20 }),
    secret(),
    fc.option(secret(), { nil: undefined }),
  )
  .map(([ak, sk, st]) =>
    obj([['accessKeyId', v(ak)], ['secretAccessKey', sk], ...(st ? [['securityToken', st]] : [])]),
  );

const client = fc
  .record({
    authn: fc.oneof(secret().map((t) => ['token', t]), credentials.map((c) => ['credentials', c])),
    target: fc.oneof(fc.constantFrom(...REGIONS).map((r) => ['region', v(r)]), fc.constantFrom(...ENDPOINTS).map((e) => ['endpoint', v(e)])),
    signingHost: fc.boolean(),
    timeoutMs: optional('timeoutMs', fc.integer({ min: 1000, max: 600000 }).map(v)),
    maxAttempts: optional('maxAttempts', fc.integer({ min: 1, max: 10 }).map(v)),
    signal: optional('signal', fc.constant({ t: 'signal', aborted: false })),
    allowInsecureHttp: optional('allowInsecureHttp', fc.boolean().map(v)),
    onResponse: optional('onResponse', fc.constant({ t: 'fn', async: false })),
  })
  .map((c) => {
    const entries = [c.authn, c.target];
    if (c.signingHost && c.authn[0] === 'credentials' && c.target[0] === 'endpoint') {
      entries.push(['signingHost', v('kms.cn-north-4.myhuaweicloud.com')]);
    }
    for (const key of ['timeoutMs', 'maxAttempts', 'signal', 'allowInsecureHttp', 'onResponse']) if (c[key]) entries.push(c[key]);
    return entries;
  });

const waitEntries = fc
  .tuple(
    optional('intervalMs', fc.integer({ min: 100, max: 600000 }).map(v)),
    optional('waitTimeoutMs', fc.integer({ min: 1000, max: 86400000 }).map(v)),
    optional('onProgress', fc.constant({ t: 'fn', async: false })),
  )
  .map((entries) => entries.filter(Boolean));

const withClient = (...parts) =>
  fc
    .tuple(client, ...parts)
    // A part is one [key, spec] entry, a list of them, or undefined (an optional entry left out).
    .map(([c, ...rest]) => rest.flatMap((part) => (part === undefined ? [] : typeof part[0] === 'string' ? [part] : part)).concat(c));
const shuffled = (entries) => fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });

const fleetServers = fc
  .uniqueArray(fc.uuid({ version: 4 }), { minLength: 1, maxLength: 4 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.oneof(fc.constant(v(id)), fc.option(auth, { nil: undefined }).map((a) => obj([['serverId', v(id)], ...(a ? [['auth', a]] : [])]))),
      ),
    ),
  )
  .map((items) => ({ t: 'arr', items, cls: false }));

const signRequestValid = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'put', 'DELETE', 'PATCH', 'HEAD'),
    url: fc.constantFrom(
      'https://ecs.cn-north-4.myhuaweicloud.com/v1/0123/cloudservers/detail?limit=10',
      'https://kms.cn-north-4.myhuaweicloud.com/v3/p/keypairs/disassociate',
      'http://127.0.0.1:8787/v3/x/tasks/y',
    ),
    headers: fc.option(fc.constant(obj([['Content-Type', v('application/json')], ['X-Project-Id', v('0123456789abcdef')]])), { nil: undefined }),
    body: fc.option(fc.string({ maxLength: 30 }).map(v), { nil: undefined }),
    credentials,
    date: fc.option(fc.oneof(fc.integer({ min: 0, max: 4e12 }).map(v), fc.integer({ min: 0, max: 4e12 }).map((t) => ({ t: 'date', v: t }))), { nil: undefined }),
  })
  .map((r) => {
    const entries = [['method', v(r.method)], ['url', v(r.url)], ['credentials', r.credentials]];
    if (r.headers) entries.push(['headers', r.headers]);
    if (r.body && !['GET', 'HEAD'].includes(r.method)) entries.push(['body', r.body]);
    if (r.date) entries.push(['date', r.date]);
    return entries;
  });

/** Valid entries of each function's options. */
const VALID = {
  disassociateKeypair: withClient(projectId.map((p) => ['projectId', p]), uuid.map((s) => ['serverId', s]), optional('auth', auth)),
  disassociateKeypairAndWait: withClient(
    projectId.map((p) => ['projectId', p]),
    uuid.map((s) => ['serverId', s]),
    optional('auth', auth),
    waitEntries,
  ),
  getKeypairTask: withClient(projectId.map((p) => ['projectId', p]), uuid.map((t) => ['taskId', t])),
  waitForKeypairTask: withClient(projectId.map((p) => ['projectId', p]), uuid.map((t) => ['taskId', t]), waitEntries),
  listRunningTasks: withClient(
    projectId.map((p) => ['projectId', p]),
    optional('limit', fc.integer({ min: 1, max: 1000 }).map(v)),
    optional('offset', fc.integer({ min: 0, max: 1000 }).map(v)),
  ),
  listFailedTasks: withClient(
    projectId.map((p) => ['projectId', p]),
    optional('limit', fc.integer({ min: 1, max: 1000 }).map(v)),
    optional('offset', fc.integer({ min: 0, max: 1000 }).map(v)),
  ),
  deleteFailedTask: withClient(projectId.map((p) => ['projectId', p]), optional('taskId', uuid)),
  disassociateKeypairs: withClient(
    projectId.map((p) => ['projectId', p]),
    fleetServers.map((s) => ['servers', s]),
    optional('concurrency', fc.integer({ min: 1, max: 64 }).map(v)),
    optional('wait', fc.boolean().map(v)),
    fc.constant(['intervalMs', v(100)]),
    optional('onProgress', fc.constant({ t: 'fn', async: false })),
  ),
  signRequest: signRequestValid,
};

/** The object nodes of a spec tree (the options, `credentials`, `auth`, `servers[i]`…), for mutation. */
function objectNodes(spec, out = []) {
  if (spec.t === 'obj') {
    out.push(spec);
    for (const [, value] of spec.e) objectNodes(value, out);
  } else if (spec.t === 'arr') {
    out.push(spec);
    for (const item of spec.items) objectNodes(item, out);
  }
  return out;
}

/** One mutation of a valid option set: what to do at which node and field. */
const mutation = fc.record({
  node: fc.nat(),
  field: fc.nat(),
  how: fc.constantFrom(
    'replace', 'replace', 'replace', 'edge', 'add', 'delete', 'getter', 'vary', 'throw', 'form', 'proxy', 'hide', 'symbols',
    'sideEffect', 'taint', 'paste',
  ),
  // A secret made invalid around its canary (a line break, an unpaired surrogate, a control character…).
  taint: fc.tuple(anyString, anyString),
  value: garbageOrHuge,
  key: fc.constantFrom(...OPTION_KEYS, ...ODD_KEYS),
  form: fc.record(objectForm),
  proxy: fc.record(PROXY_MODES),
  edge: fc.oneof(number.map(v), loneSurrogate.map(v), huge, fc.constantFrom(v(''), v(null), v(undefined), v(' x '))),
});

function mutate(entries, m) {
  const root = obj(structuredClone(entries));
  const nodes = objectNodes(root);
  const node = nodes[m.node % nodes.length];
  const list = node.t === 'obj' ? node.e : node.items.map((item, i) => [i, item]);
  const index = list.length === 0 ? -1 : m.field % list.length;
  const set = (value) => {
    if (index < 0) return;
    if (node.t === 'obj') node.e[index][1] = value;
    else node.items[index] = value;
  };
  const current = index < 0 ? v(undefined) : list[index][1];
  switch (m.how) {
    case 'replace':
      set(m.value);
      break;
    case 'edge':
      set(m.edge);
      break;
    case 'add':
      if (node.t === 'obj') node.e.splice(m.field % (node.e.length + 1), 0, [m.key, m.value]);
      else node.items.push(m.value);
      break;
    case 'delete':
      if (index >= 0 && node.t === 'obj') node.e.splice(index, 1);
      else if (index >= 0) node.items.splice(index, 1);
      break;
    case 'getter':
      set({ t: 'get', vals: [current], throwAt: -1 });
      break;
    case 'vary':
      set({ t: 'get', vals: [current, m.value], throwAt: -1 });
      break;
    case 'throw':
      set({ t: 'get', vals: [current], throwAt: m.field % 2 });
      break;
    case 'symbols':
      if (node.t === 'obj') node.sym = true;
      break;
    case 'sideEffect':
      if (index >= 0 && node.t === 'obj') {
        const other = node.e[(index + 1 + (m.node % Math.max(1, node.e.length))) % node.e.length][0];
        set({ t: 'get', vals: [current], throwAt: -1, sideEffect: { key: m.value.t === 'v' && m.field % 3 === 0 ? m.key : other, value: m.value } });
      }
      break;
    case 'taint':
      // The secret this field holds, made invalid but still holding its canary: no error may show it.
      if (current.t === 'secret') set({ ...current, pre: m.taint[0], post: m.taint[1] });
      break;
    case 'paste': {
      // A secret pasted into this field too (a token in serverId): an echo of this field must mask it.
      const secrets = [];
      const find = (spec) => {
        if (spec.t === 'secret') secrets.push(spec);
        for (const [, value] of spec.e ?? []) find(value);
        for (const item of spec.items ?? []) find(item);
      };
      find(root);
      if (secrets.length > 0) {
        const secret = secrets[m.field % secrets.length];
        set(v(m.node % 2 === 0 ? secret.pre + secret.s + secret.post : secret.s.slice(0, 8 + (m.node % 14))));
      }
      break;
    }
    case 'hide':
      if (index >= 0) set({ ...current, hidden: true });
      break;
    case 'form':
      if (node.t === 'obj') Object.assign(node, m.form);
      else node.cls = true;
      break;
    case 'proxy': {
      if (node === root) return { t: 'proxy', target: root, ...m.proxy };
      replaceNode(root, node, { t: 'proxy', target: { ...node }, ...m.proxy });
      break;
    }
  }
  return root;
}

function replaceNode(tree, node, replacement) {
  const walk = (spec) => {
    if (spec.t === 'obj') spec.e = spec.e.map(([k, value]) => [k, value === node ? replacement : walk(value)]);
    else if (spec.t === 'arr') spec.items = spec.items.map((item) => (item === node ? replacement : walk(item)));
    return spec;
  };
  walk(tree);
}

/** The options of one function: valid, valid with a mutation, a hostile wrapper of a valid set, or garbage. */
function optionsOf(name) {
  const valid = VALID[name];
  return fc.oneof(
    { weight: 3, arbitrary: valid.chain(shuffled).map(obj) },
    { weight: 6, arbitrary: fc.tuple(valid, mutation).map(([entries, m]) => mutate(entries, m)) },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.record(PROXY_MODES)).map(([entries, modes]) => ({ t: 'proxy', target: obj(entries), ...modes })),
    },
    { weight: 2, arbitrary: garbageOrHuge },
  );
}

// ---------------------------------------------------------------------------------------------------------
// The properties.

const NAMES = new Set([
  'KpsValidationError', 'KpsApiError', 'KpsResponseError', 'KpsNetworkError', 'KpsTimeoutError', 'KpsAbortError',
  'KpsTaskFailedError', 'KpsLoadError',
]);
const FUNCTIONS = [
  'disassociateKeypair', 'disassociateKeypairAndWait', 'getKeypairTask', 'waitForKeypairTask', 'listRunningTasks',
  'listFailedTasks', 'deleteFailedTask', 'disassociateKeypairs', 'signRequest', 'validateOptions',
];

class Violation extends Error {}
const check = (holds, what) => {
  if (!holds) throw new Violation(what);
};

/**
 * A KpsValidationError about an option whose getter or `get` trap threw carries what it threw as `cause`
 * (the harness's throwers say 'fuzz: …').
 */
function checkCause(error, built, context) {
  // The first read: a later one is a cycle's (the option was an object that holds itself), about which the
  // error is not.
  if (error?.name !== 'KpsValidationError' || built.reads.get(error.field)?.[0] !== '(threw)') return;
  check(error.cause instanceof Error && error.cause.message.startsWith('fuzz:'), `${context}: the error about ${error.field}, whose getter threw, has not what it threw as cause`);
}

function checkKpsError(error, secrets, context) {
  check(kps.isKpsError(error), `${context} threw something that is not a KpsError: ${describe(error)}`);
  check(NAMES.has(error.name), `${context}: a KpsError with an unknown name ${describe(error.name)}`);
  check(typeof error.code === 'string' && error.code !== '', `${context}: a KpsError without a code`);
  if (error.name === 'KpsValidationError') {
    // The path of the option at fault ('' only for an unknown key that is the empty string).
    check(typeof error.field === 'string', `${context}: a KpsValidationError without a field`);
  }
  checkNoSecret(error, secrets, context);
}

/** No canary in any own property (walked, non-enumerable ones too), nor in String(), the stack or JSON. */
function checkNoSecret(error, secrets, context) {
  if (secrets.size === 0) return;
  const texts = [];
  const seen = new Set();
  const walk = (value, depth) => {
    if (typeof value === 'string') texts.push(value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value) || depth > 5) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) walk(descriptor.value, depth + 1);
    }
  };
  walk(error, 0);
  texts.push(String(error), String(error.stack));
  try {
    texts.push(JSON.stringify(error));
  } catch (e) {
    check(false, `${context}: JSON.stringify of the error threw ${describe(e)}`);
  }
  for (const text of texts) {
    for (const secret of secrets) check(!text.includes(secret), `${context}: a secret of the options is in the error: ${text.slice(0, 200)}`);
  }
}

async function settle(promise) {
  let timer;
  const bound = new Promise((resolve) => {
    timer = realSetTimeout(resolve, SETTLE_MS, { hung: true });
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error) => ({ error, rejected: true }),
      ),
      bound,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the request(s) carry what validation saw of the options. */
function checkRequests(name, built, sent) {
  const seen = (path) => built.seen(path);
  const first = sent[0];
  const body = first.body === undefined ? undefined : JSON.parse(first.body);
  const token = seen('token');
  if (typeof token === 'string') check(first.headers['x-auth-token'] === token, 'the request does not carry the token validated');
  const ak = seen('credentials.accessKeyId');
  if (typeof ak === 'string') check(first.headers.authorization?.includes(`Access=${ak},`), 'the request is not signed with the access key validated');
  const st = seen('credentials.securityToken');
  if (typeof st === 'string') check(first.headers['x-security-token'] === st, 'the request does not carry the security token validated');
  const project = seen('projectId');
  if (typeof project === 'string') check(new URL(first.url).pathname.startsWith(`/`) && first.url.includes(`/v3/${project}/`), 'the URL does not hold the projectId validated');
  if (name === 'disassociateKeypair' || name === 'disassociateKeypairAndWait') {
    const server = seen('serverId');
    if (typeof server === 'string') check(body?.server?.id === server, 'the body does not hold the serverId validated');
    const key = seen('auth.key');
    if (typeof key === 'string') check(body?.server?.auth?.key === key, 'the body does not hold the auth.key validated');
    const type = seen('auth.type');
    if (typeof type === 'string') check(body?.server?.auth?.type === type, 'the body does not hold the auth.type validated');
  }
  if (['getKeypairTask', 'waitForKeypairTask', 'deleteFailedTask'].includes(name)) {
    const task = seen('taskId');
    if (typeof task === 'string') check(new URL(first.url).pathname.endsWith(`/${task}`), 'the URL does not hold the taskId validated');
  }
  if (name === 'disassociateKeypairs') {
    // The ids validation saw, from what the build recorded: reading `servers` here would run its getters and
    // traps once more.
    const ids = new Set();
    for (const path of [...built.present.keys(), ...built.reads.keys()]) {
      if (!/^servers\[\d+\](\.serverId)?$/.test(path)) continue;
      const id = seen(path);
      if (typeof id === 'string') ids.add(id.toLowerCase());
    }
    for (const request of sent.filter((r) => r.method === 'POST')) {
      check(ids.has(JSON.parse(request.body).server.id.toLowerCase()), 'an unbind was sent for a server not in the servers validated');
    }
  }
}

function checkReadOnce(built, context) {
  for (const [path, values] of built.reads) {
    check(values.length <= 1, `${context}: the option ${path} was read ${values.length} times by one call`);
  }
}

const tally = new Map(FUNCTIONS.map((name) => [name, { values: 0, valid: 0, rejected: 0, requests: 0, resolved: 0, unusableSignal: 0 }]));

async function runValue(name, spec) {
  if (process.env.KPS_JS_FUZZ_TRACE) console.log(name, fc.stringify(spec).slice(0, 4000));
  const counts = tally.get(name);
  counts.values++;
  unhandled = [];
  const probe = new Built();
  const probeValue = build(spec, probe);
  let verdict;
  try {
    verdict = kps.validateOptions(name, probeValue);
  } catch (error) {
    check(false, `validateOptions('${name}') threw instead of returning: ${describe(error)}`);
  }
  if (verdict !== undefined) checkKpsError(verdict, probe.secrets, `validateOptions('${name}')`);
  checkCause(verdict, probe, `validateOptions('${name}')`);
  check(verdict === undefined || verdict.name === 'KpsValidationError', `validateOptions returned a ${verdict?.name}`);
  if (verdict === undefined) checkReadOnce(probe, `validateOptions('${name}')`);

  const built = new Built();
  const value = build(spec, built);
  requests = [];
  let outcome;
  if (name === 'signRequest') {
    try {
      outcome = { value: kps.signRequest(value) };
    } catch (error) {
      outcome = { error, rejected: true };
    }
  } else {
    let promise;
    try {
      promise = kps[name](value);
    } catch (error) {
      check(false, `${name} threw synchronously instead of rejecting: ${describe(error)}`);
    }
    check(promise instanceof Promise, `${name} did not return a promise`);
    outcome = await settle(promise);
    check(!outcome.hung, `${name} did not settle within ${SETTLE_MS} ms`);
  }
  const sent = requests;
  counts.requests += sent.length;
  // After the call: a getter's side effect may have replaced `signal` while the options were read.
  const aborted = abortedSignal(built.seen('signal'));
  const context = `${name}(value)`;
  if (outcome.rejected) checkKpsError(outcome.error, built.secrets, context);
  if (outcome.rejected) checkCause(outcome.error, built, context);

  if (verdict !== undefined) {
    counts.rejected++;
    check(sent.length === 0, `${name} sent ${sent.length} request(s) for options validateOptions refuses (${verdict.field}: ${verdict.message})`);
    check(outcome.rejected, `${name} accepted options validateOptions refuses (${verdict.field}: ${verdict.message})`);
    const e = outcome.error;
    check(
      e.name === verdict.name && e.field === verdict.field && e.message === verdict.message,
      `${name} and validateOptions disagree: ${e.name} ${e.field}: ${e.message} / ${verdict.field}: ${verdict.message}`,
    );
  } else {
    counts.valid++;
    // Read once, so that what is sent is what was checked (a cyclic object that is refused may be walked
    // through its cycle: a property reached twice is read twice, and nothing is sent).
    checkReadOnce(built, context);
    // validateOptions checks what `signal` is, not what it does: one whose `aborted` or `addEventListener`
    // throws when the call uses it (a look-alike, a Proxy of a real one) is refused by the call, before any
    // request.
    const unusableSignal = outcome.rejected && outcome.error.field === 'signal' && /cannot be read or listened to/.test(outcome.error.message);
    if (unusableSignal) {
      counts.unusableSignal++;
      check(sent.length === 0, `${name} sent a request with a signal it then found unusable`);
    } else if (outcome.rejected && outcome.error.name === 'KpsValidationError') {
      check(false, `${name} rejected options validateOptions accepts: ${outcome.error.field}: ${outcome.error.message}`);
    }
    if (name !== 'signRequest') {
      if (aborted && name === 'disassociateKeypairs') {
        check(sent.length === 0 && outcome.value?.aborted === true, `disassociateKeypairs with a signal aborted beforehand: ${sent.length} requests, ${describe(outcome.error)}`);
      } else if (unusableSignal) {
        // Refused above, before any request.
      } else if (aborted) {
        check(sent.length === 0 && outcome.error?.name === 'KpsAbortError', `${name} with a signal aborted beforehand: ${sent.length} requests, ${describe(outcome.error)}`);
      } else {
        check(sent.length > 0, `${name} sent no request for options validateOptions accepts (${describe(outcome.error)})`);
        checkRequests(name, built, sent);
        check(!outcome.rejected || outcome.error.name === 'KpsTimeoutError', `${name} failed against a KPS that accepts everything: ${describe(outcome.error)}`);
      }
    } else if (!outcome.rejected) {
      const ak = built.seen('credentials.accessKeyId');
      if (typeof ak === 'string') check(outcome.value.Authorization?.includes(`Access=${ak},`), 'signRequest signed with another access key than the one validated');
    }
    if (!outcome.rejected) counts.resolved++;
  }
  // Rejections nobody handled surface after a turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  check(unhandled.length === 0, unhandled.join('; '));
}

/** validateOptions itself, with any operation name: returns undefined or a KpsValidationError, never throws. */
async function runValidateOptions(operation, spec) {
  const counts = tally.get('validateOptions');
  counts.values++;
  const built = new Built();
  const op = build(operation, built);
  const value = build(spec, built);
  let verdict;
  try {
    verdict = kps.validateOptions(op, value);
  } catch (error) {
    check(false, `validateOptions threw instead of returning: ${describe(error)}`);
  }
  if (verdict === undefined) {
    counts.valid++;
    check(FUNCTIONS.includes(op), `validateOptions accepted the operation ${describe(op)}`);
  } else {
    counts.rejected++;
    checkKpsError(verdict, built.secrets, 'validateOptions');
    check(verdict.name === 'KpsValidationError', `validateOptions returned a ${verdict.name}`);
    if (!FUNCTIONS.includes(op) || op === 'validateOptions') check(verdict.field === 'operation', `validateOptions(${describe(op)}) named ${verdict.field}, not operation`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The run.

function seedOf(name) {
  // fast-check takes a 32-bit seed: one per function, from the run's 64-bit seed and the function's name.
  let h = BigInt.asUintN(64, options.seed);
  for (const c of name) h = BigInt.asUintN(64, (h ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n);
  return Number(BigInt.asIntN(32, h ^ (h >> 32n)));
}

function property(name) {
  if (name === 'validateOptions') {
    const operation = fc.oneof(fc.constantFrom(...FUNCTIONS).map(v), garbage);
    const spec = fc.constantFrom(...FUNCTIONS.slice(0, -1)).chain(optionsOf);
    return fc.asyncProperty(operation, spec, runValidateOptions);
  }
  return fc.asyncProperty(optionsOf(name), (spec) => runValue(name, spec));
}

async function main() {
  options = parseArguments(process.argv.slice(2));
  const started = performance.now();
  const names = options.only ? [options.only] : FUNCTIONS;
  const perFunction = Math.ceil(options.values / FUNCTIONS.length);
  const failures = [];
  for (const name of names) {
    const seed = seedOf(name);
    const t0 = performance.now();
    const details = await fc.check(property(name), {
      seed,
      numRuns: perFunction,
      path: options.path,
      endOnFailure: false,
    });
    const counts = tally.get(name);
    console.log(
      `${name}: ${counts.values} values (${counts.valid} valid, ${counts.rejected} rejected), ${counts.requests} requests, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (details.failed) {
      const error = details.errorInstance;
      const message = [
        `FAILED ${name} (run seed ${options.seed.toString(16)}, fast-check seed ${details.seed}, path ${details.counterexamplePath})`,
        `  ${error instanceof Violation ? error.message : describe(error)}`,
        `  shrunk value: ${fc.stringify(details.counterexample?.length === 1 ? details.counterexample[0] : details.counterexample)}`,
        `  replay: node tests/reliability/js-boundary.mjs --seed ${options.seed.toString(16)} --values ${options.values} --only ${name} --path ${details.counterexamplePath}`,
      ].join('\n');
      console.log(message);
      failures.push(message);
    }
  }
  // The module still works: one normal call of each kind.
  const after = await settle(
    kps.disassociateKeypair({ region: 'cn-north-4', token: 'after-the-run', projectId: 'f'.repeat(32), serverId: 'd76baba7-ef09-40a2-87ff-3eafec0696e7' }),
  );
  if (typeof after.value !== 'string') failures.push(`after the run, a normal disassociateKeypair failed: ${describe(after.error)}`);
  await new Promise((resolve) => setImmediate(resolve));
  if (unhandled.length > 0) failures.push(unhandled.join('; '));

  const seconds = (performance.now() - started) / 1000;
  const sum = (key) => names.reduce((total, name) => total + tally.get(name)[key], 0);
  const n = (count) => count.toLocaleString('en-US');
  const rows = [['values', `${n(sum('values'))} (${n(perFunction)} per function, ${names.length} functions)`]];
  for (const name of names) {
    const c = tally.get(name);
    const sent = name === 'signRequest' ? `${n(c.resolved)} signed` : name === 'validateOptions' ? 'any operation name' : `${n(c.requests)} requests`;
    rows.push([name, `${n(c.values)} values: ${n(c.valid)} valid (${sent}), ${n(c.rejected)} rejected (no request)`]);
  }
  rows.push(['settled with a result or a KpsError, no secret, no unhandled rejection', `${n(sum('values') - failures.length)} of ${n(sum('values'))}`]);
  rows.push(['time', `${seconds.toFixed(0)} s`]);
  rows.push(['seed', options.seed.toString(16)]);
  for (const [what, figure] of rows) console.log(`${what}: ${figure}`);
  if (options.report) writeFileSync(options.report, rows.map((row) => `${row.join('\t')}\n`).join(''));
  if (failures.length > 0) {
    console.log(`\n${failures.length} properties failed:\n${failures.join('\n')}`);
    process.exit(1);
  }
  process.exit(0);
}

function parseArguments(args) {
  const parsed = { seed: 0n, values: 2000, only: undefined, path: undefined, report: undefined };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--seed') parsed.seed = BigInt(`0x${value.replace(/^0x/, '')}`);
    else if (flag === '--values') parsed.values = Number(value);
    else if (flag === '--only') parsed.only = value;
    else if (flag === '--path') parsed.path = value;
    else if (flag === '--report') parsed.report = value;
    else throw new Error(`js-boundary.mjs: unknown argument ${flag}`);
  }
  if (parsed.only !== undefined && !FUNCTIONS.includes(parsed.only)) throw new Error(`--only: one of ${FUNCTIONS.join(', ')}`);
  return parsed;
}

/** Whether `value` is a signal that has aborted: a real one, or a look-alike the package takes for one. */
function abortedSignal(value) {
  try {
    return typeof value === 'object' && value !== null && value.aborted === true;
  } catch {
    // A revoked Proxy, or an `aborted` that throws: no signal that aborted.
    return false;
  }
}

function describe(value) {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}${value.field ? ` (field ${value.field})` : ''}`;
    return typeof value === 'symbol' || typeof value === 'bigint' ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '(a value that cannot be described: a revoked Proxy?)';
    }
  }
}

await main();
