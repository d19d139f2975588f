// Hand-written declarations for kps-wasm. Kept in step with api.js (tests/js/exports.test.mjs) and checked
// with `tsc --strict` against tests/types/ and README.md's examples. `cargo xtask build` copies them into
// index.d.cts for `require()`: edit this file only.

/**
 * Options every call accepts: how to authenticate (exactly one of `token` and `credentials`), where to send
 * the request (exactly one of `region` and `endpoint`), and when to give up. Validation refuses the same
 * combinations these types refuse; an option set to `undefined` counts as left out.
 */
export type ClientOptions = (TokenAuthentication | CredentialsAuthentication) &
  (RegionTarget | EndpointTarget) &
  CallOptions;

/** Authentication with an IAM token. */
export interface TokenAuthentication {
  /** An IAM token (the `X-Subject-Token` IAM returns), sent as `X-Auth-Token`. */
  token: string;
  credentials?: undefined;
  /** Only requests signed with `credentials` have a signed host. */
  signingHost?: undefined;
}

/** Authentication with an access key pair: each request is signed (SDK-HMAC-SHA256). */
export interface CredentialsAuthentication {
  /** An access key pair; temporary ones come with their `securityToken`. */
  credentials: AccessKeyCredentials;
  token?: undefined;
}

/** Requests go to a region's KPS endpoint. */
export interface RegionTarget {
  /**
   * A KPS region such as `'cn-north-4'` (one of the official SDKs' 30): the endpoint is
   * `https://kms.{region}.myhuaweicloud.com`. Another region is refused before any request: reach it with `endpoint`.
   */
  region: string;
  endpoint?: undefined;
  /** The region's host is the signed host. */
  signingHost?: undefined;
}

/** Requests go to a base URL: a KPS endpoint, or a proxy in front of one. */
export interface EndpointTarget {
  /** A base URL (`https://…`, `http://` only for loopback unless `allowInsecureHttp`); in browsers also a relative path such as `'/kps'` (a same-origin proxy). */
  endpoint: string;
  region?: undefined;
  /** With `credentials` behind a proxy (required with a relative `endpoint`): the upstream host to sign for, e.g. `'kms.cn-north-4.myhuaweicloud.com'`; the path below `endpoint` is signed. */
  signingHost?: string;
}

/** When a call gives up, and how far it may go. */
export interface CallOptions {
  /** Limit for the whole call, its retries included, in milliseconds (1–600000). Default 30000. */
  timeoutMs?: number;
  /** Requests per call, 1–10 (1 turns retries off). Default 3. Only answers that prove the service did not act are retried for an unbind (README: Retries). */
  maxAttempts?: number;
  /** Aborts the call; it then rejects with a `KpsAbortError`. */
  signal?: AbortSignal;
  /** Allow `http://` to a host that is not loopback. */
  allowInsecureHttp?: boolean;
  /**
   * Called with the metadata of every response the call receives (each attempt, each poll, each list page), for
   * audit logs and support: `disassociateKeypair` still resolves with the task ID alone. It observes the call and
   * cannot change its outcome: an exception it throws is reported as an event listener's is (`reportError`, or
   * an uncaught exception in Node) and it is not called again for that call.
   */
  onResponse?: (response: ResponseMetadata) => void;
}

/** The KPS API operations, as the official SDKs name them. */
export type KpsOperation =
  | 'DisassociateKeypair'
  | 'ListKeypairTask'
  | 'ListRunningTask'
  | 'ListFailedTask'
  | 'DeleteFailedTask'
  | 'DeleteAllFailedTask';

/** What {@link CallOptions.onResponse} is told of one response. */
export interface ResponseMetadata {
  /** The API operation the request was. */
  operation: KpsOperation;
  /** The HTTP status (2xx, or the error status the call may retry or reject with). */
  status: number;
  /** `X-Request-Id` of the response, for Huawei Cloud support (absent when the response had none). */
  requestId?: string;
  /** Requests the call has made so far, this one included (retries count; see `maxAttempts`). */
  attempts: number;
}

/** Options of {@link disassociateKeypair}. */
export type DisassociateKeypairOptions = ClientOptions & {
  /** The project ID: 32 lowercase hex characters, as IAM returns it. */
  projectId: string;
  /** The ECS server ID (a UUID). */
  serverId: string;
  /** Needed when the server is running: its current private key (PEM) or its password. A stopped server needs none. */
  auth?: { type: 'keypair' | 'password'; key: string };
};

/**
 * Unbinds the SSH key pair from an ECS server and restores password login (KPS DisassociateKeypair).
 * Resolves with the ID of the task that does it (about a minute). Every option is checked before any
 * request is made; every failure is a {@link KpsError}.
 *
 * @example
 * const taskId = await disassociateKeypair({
 *   region: 'cn-north-4', token, projectId, serverId: 'd76baba7-ef09-40a2-87ff-3eafec0696e7',
 *   auth: { type: 'keypair', key: privateKeyPem }, // for a running server
 * });
 */
export function disassociateKeypair(options: DisassociateKeypairOptions): Promise<string>;

/** A key pair task. `status` is the service's raw string: `READY_UNBIND` → `RUNNING_UNBIND` → `SUCCESS_UNBIND` | `FAILED_UNBIND` (or `*_RESET` / `*_REPLACE`, or a value added later). */
export interface KeypairTask {
  taskId: string;
  serverId: string;
  status: string;
  /** {@link disassociateKeypairAndWait} only: `X-Request-Id` of the unbind that started the task. */
  requestId?: string;
}

/** Options that identify one task. */
export type TaskOptions = ClientOptions & {
  projectId: string;
  /** The task ID that {@link disassociateKeypair} returned (a UUID). */
  taskId: string;
};

/** How a wait polls. */
export interface WaitOptions {
  /** Between polls, in milliseconds (100–600000). Default 20000 (as Terraform). The first poll is immediate. */
  intervalMs?: number;
  /** For the whole wait, in milliseconds (up to 24 h). Default 1800000 (30 min). */
  waitTimeoutMs?: number;
  /** Called on every status change, the final one included. An exception thrown here ends the wait and is rethrown. */
  onProgress?: (task: KeypairTask) => void;
}

/** Reads a task (`GET /v3/{projectId}/tasks/{taskId}`). */
export function getKeypairTask(options: TaskOptions): Promise<KeypairTask>;

/**
 * Polls a task until `SUCCESS_*` (resolves with it) or `FAILED_*` (rejects with a `KpsTaskFailedError` that
 * carries `task`, and `taskErrorCode`/`taskErrorMessage` when the failed-tasks list has them). A poll that
 * fails with no response, 429 or 5xx is retried with backoff within `waitTimeoutMs`; other API errors end
 * the wait. `signal` aborts at once, between polls too. `timeoutMs` bounds each poll.
 *
 * @example
 * const task = await waitForKeypairTask({ region, token, projectId, taskId, onProgress: (t) => console.log(t.status) });
 */
export function waitForKeypairTask(options: TaskOptions & WaitOptions): Promise<KeypairTask>;

/**
 * {@link disassociateKeypair}, then {@link waitForKeypairTask} on its task: resolves with the finished task, which
 * carries the unbind's `requestId`. A wait that fails after the unbind started (a timeout, an abort, an error
 * answer to a poll) rejects with an error that carries `taskId` and the last `task` read: the unbind goes on.
 */
export function disassociateKeypairAndWait(options: DisassociateKeypairOptions & WaitOptions): Promise<KeypairTask>;

/** One server of a fleet: its ID, or its ID with the `auth` a running server needs. */
export type FleetServer = string | { serverId: string; auth?: { type: 'keypair' | 'password'; key: string } };

/** Options of {@link disassociateKeypairs}. `timeoutMs` and `maxAttempts` apply to each request. */
export type DisassociateKeypairsOptions = ClientOptions & {
  projectId: string;
  /** 1 to 1000 servers, none twice. */
  servers: FleetServer[];
  /** Unbind requests in flight, 1–64. Default 8. */
  concurrency?: number;
  /** Follow every task to its end (default), or only unbind (`false`: outcomes `started`/`failed`/`not-started`). */
  wait?: boolean;
  /** Between two rounds of progress (read from the task lists), in milliseconds. Default 20000. */
  intervalMs?: number;
  /** For each task's wait, from its start. Default 1800000 (30 min). */
  waitTimeoutMs?: number;
  /** Every change of every server, with the running totals. If it throws, it is not called again and the report's `progressError` holds what it threw. */
  onProgress?: (event: FleetProgress) => void;
};

/** What happened to one server. */
export interface FleetResult {
  serverId: string;
  /**
   * `started`: the task runs (or its wait timed out, or the fleet was aborted); without `taskId`, an unbind's
   * answer was lost and nothing could tell whether it was performed: check the server before unbinding it
   * again (`error` says why). `not-started`: never accepted (throttled on every attempt, or aborted first).
   */
  outcome: 'succeeded' | 'failed' | 'started' | 'not-started';
  /** The task's ID, when known: absent when never started, and for the two cases without one above. */
  taskId?: string;
  /**
   * The task's last status (`SUCCESS_UNBIND`, `FAILED_UNBIND`, `RUNNING_UNBIND`…), or `KEYPAIR_NOT_BOUND`: an
   * unbind's answer was lost, its task had already left the lists, and the unbind sent again was answered
   * `KPS.6004` (outcome `succeeded`, no `taskId`: the key is off the server, by a task not known).
   */
  status?: 'READY_UNBIND' | 'RUNNING_UNBIND' | 'SUCCESS_UNBIND' | 'FAILED_UNBIND' | 'KEYPAIR_NOT_BOUND' | (string & {});
  /** Unbind requests actually sent for this server (retries and resends included; at most `maxAttempts`); its `error.attempts` is the same number, or 1 for a server aborted before its first request (0 here). */
  attempts: number;
  /** Why it failed or stopped, as `KpsError.toJSON()` gives it. */
  error?: KpsErrorJSON;
}

/** A change of one server during {@link disassociateKeypairs}. */
export interface FleetProgress extends FleetResult {
  /** The server's index in `servers`. */
  index: number;
  totals: { total: number; succeeded: number; failed: number; started: number; notStarted: number };
}

/** What {@link disassociateKeypairs} resolves with. */
export interface FleetReport {
  total: number;
  succeeded: number;
  failed: number;
  started: number;
  notStarted: number;
  /** Whether `signal` aborted the fleet: no unbind started after it, and every task started before keeps its ID. */
  aborted: boolean;
  /** Every request the fleet made (unbinds, retries, list pages, confirmations). */
  requests: number;
  /** In the order of `servers`. */
  results: FleetResult[];
  /** What `onProgress` threw, if it did. */
  progressError?: unknown;
}

/**
 * Unbinds the key pairs of many servers, `concurrency` at a time, and follows every task to its end. Never
 * rejects for one server's failure: resolves with a report in the order of `servers`. Rejects only for invalid
 * options (a bad entry is named by its path, `servers[3].serverId`), before any request. An unbind whose answer
 * was lost is looked for in the task lists before it is sent again, so none is lost or doubled; progress is read
 * from the task lists, not by polling each task.
 *
 * @example
 * const report = await disassociateKeypairs({
 *   region: 'cn-north-4', token, projectId, servers: [serverId, { serverId: runningId, auth }],
 *   onProgress: (e) => console.log(e.serverId, e.outcome, e.totals.succeeded),
 * });
 */
export function disassociateKeypairs(options: DisassociateKeypairsOptions): Promise<FleetReport>;

/** One task of a list. `taskTime` is milliseconds since the epoch. */
export interface TaskListEntry {
  taskId: string;
  operateType: string;
  taskTime: number;
  serverName: string;
  serverId: string;
  keypairName: string;
  /** Failed tasks only. */
  taskErrorCode?: string;
  /** Failed tasks only. */
  taskErrorMessage?: string;
}

/** A page of tasks. */
export interface TaskList {
  total: number;
  tasks: TaskListEntry[];
}

/** Options of the task lists. */
export type TaskListOptions = ClientOptions & {
  projectId: string;
  /** Page size (the service's default when left out). */
  limit?: number;
  /** Tasks to skip (default 0). */
  offset?: number;
};

/** The tasks in progress (`GET /v3/{projectId}/running-tasks`). */
export function listRunningTasks(options: TaskListOptions): Promise<TaskList>;

/** The tasks that failed, with their error code and message (`GET /v3/{projectId}/failed-tasks`). */
export function listFailedTasks(options: TaskListOptions): Promise<TaskList>;

/** Deletes one failed task, or every failed task when `taskId` is left out. */
export function deleteFailedTask(options: ClientOptions & { projectId: string; taskId?: string }): Promise<void>;

/** An access key pair; temporary keys (from IAM/STS) come with their `securityToken`. */
export interface AccessKeyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  securityToken?: string;
}

/** Options of {@link signRequest}: the request exactly as it will be sent. */
export interface SignRequestOptions {
  /** `'GET'`, `'POST'`, `'PUT'`, `'PATCH'`, `'DELETE'` or `'HEAD'`, in any case (signed upper-case; pass `'PATCH'` upper-case to fetch, which does not normalise it). */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | (string & {});
  /**
   * The absolute `https://` (or `http://`) URL. The signed host is its host, with the port only when it is not
   * the scheme's default; its path and query are signed as the gateway decodes them (`+` is a plus sign: write a
   * space as `%20`). No user info, no fragment, no `.`/`..` segments.
   */
  url: string;
  /**
   * Headers to send and sign, such as `Content-Type` and `X-Project-Id`: string values of printable ASCII, each
   * name once. Not `Host`, `Authorization`, `X-Sdk-Date` or `X-Security-Token` (signRequest sets them), nor
   * headers fetch sets itself (`Content-Length`, `Cookie`...) or browsers may replace (`User-Agent`).
   */
  headers?: Record<string, string>;
  /** The exact body text sent, signed as its UTF-8 bytes. Default: empty. Not allowed with GET and HEAD. */
  body?: string;
  credentials: AccessKeyCredentials;
  /** The signing time: a `Date` or epoch milliseconds. Default: now. The gateway accepts 15 minutes of skew. */
  date?: Date | number;
}

/**
 * Signs a request to any Huawei Cloud API with an access key (SDK-HMAC-SHA256, the signer every call here
 * uses) and returns the headers to send: the given `headers`, then `X-Sdk-Date`, `X-Security-Token`
 * (temporary credentials only) and `Authorization`. Synchronous; throws a `KpsValidationError` (with
 * `field`) for invalid options. Send the request within 15 minutes, with the same method, URL and body;
 * headers added afterwards are sent unsigned.
 *
 * @example
 * const url = `https://ecs.cn-north-4.myhuaweicloud.com/v1/${projectId}/cloudservers/detail?limit=10`;
 * const headers = signRequest({ method: 'GET', url, headers: { 'X-Project-Id': projectId }, credentials });
 * const { servers } = await (await fetch(url, { method: 'GET', headers })).json();
 */
export function signRequest(options: SignRequestOptions): Record<string, string>;

/** The functions whose options {@link validateOptions} checks. */
export type ValidatedOperation =
  | 'disassociateKeypair'
  | 'disassociateKeypairAndWait'
  | 'disassociateKeypairs'
  | 'getKeypairTask'
  | 'waitForKeypairTask'
  | 'listRunningTasks'
  | 'listFailedTasks'
  | 'deleteFailedTask'
  | 'signRequest';

/**
 * Checks `options` exactly as the function named `operation` would, and returns the `KpsValidationError` it
 * would reject with, or `undefined` when they are valid. Sends nothing: for forms that check as the user types.
 *
 * @example
 * const problem = validateOptions('disassociateKeypair', formValues);
 * if (problem) showError(problem.field, problem.message);
 */
export function validateOptions(operation: ValidatedOperation, options: unknown): KpsValidationError | undefined;

/** The version of kps-wasm, from the Rust crate it is built from (e.g. "0.2.0"). */
export function version(): string;

/**
 * Loads the WebAssembly module. Optional: the package loads itself on import (next to its entry module in
 * browsers and bundlers, from disk in Node). Call it to load from another place when that failed. Once a
 * module is loaded, further calls resolve at once and change nothing.
 */
export function init(
  moduleOrUrl?: string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module,
): Promise<void>;

/**
 * Every failure of kps-wasm is a KpsError: one of the kinds below, told apart by `name`. Once code has
 * checked the name, the kind's own fields are there (`e.task` of a `KpsTaskFailedError`, `e.field` of a
 * `KpsValidationError`); before, every field any kind has reads as possibly `undefined`.
 * `e instanceof KpsError` and `isKpsError(e)` hold across copies of the package. No message, stack or JSON
 * form ever contains a token, secret key, private key or password.
 *
 * @example
 * try {
 *   await disassociateKeypairAndWait({ ...client, projectId, serverId });
 * } catch (e) {
 *   if (!isKpsError(e)) throw e;
 *   if (e.name === 'KpsTaskFailedError') console.error(e.task.status, e.taskErrorCode);
 *   else console.error(e.name, e.code, e.requestId ?? '', e.message);
 * }
 */
export type KpsError =
  | KpsValidationError
  | KpsApiError
  | KpsResponseError
  | KpsNetworkError
  | KpsTimeoutError
  | KpsAbortError
  | KpsTaskFailedError
  | KpsLoadError;

/** The class of every KpsError, for `instanceof` (which holds for errors from any copy of the package). Not constructed by users. */
export declare const KpsError: KpsErrorClass;

/**
 * The type of the {@link KpsError} class: `instanceof` narrows to the {@link KpsError} union. (`Function`
 * because TypeScript before 5.3 accepts nothing else on the right of `instanceof`.)
 */
export interface KpsErrorClass extends Function {
  readonly prototype: KpsError;
  [Symbol.hasInstance](value: unknown): value is KpsError;
}

/** What went wrong, as `KpsError.name`. */
export type KpsErrorName = KpsError['name'];

/** What every kind of {@link KpsError} carries. */
export interface KpsErrorFields extends Error {
  readonly name: KpsErrorName;
  /**
   * API errors: `error_code` from the response body (`'KPS.0002'`, `'APIGW.0301'`), else `'HTTP_<status>'`.
   * Local errors: one code per kind (`'INVALID_ARGUMENT'`, `'TIMEOUT'`…).
   */
  readonly code: string;
  /**
   * HTTP status of the response, also on a `KpsNetworkError` whose body was cut short; 0 when there was none,
   * or when a browser hid it (a redirect, which is never followed, is a `KpsResponseError` with status 3xx or 0).
   */
  readonly status: number;
  /** Requests the call made, retries included (see `maxAttempts`); 1 when it made one, or none. */
  readonly attempts: number;
  /**
   * What the runtime threw, as it threw it: a `KpsNetworkError`'s (Node's `TypeError: fetch failed`, whose own
   * `cause.code` is `ECONNREFUSED`, `ENOTFOUND`…; a browser's `TypeError: Failed to fetch`) or a `KpsLoadError`'s;
   * a `KpsValidationError`'s when reading the option it names threw (a getter, a Proxy trap, a revoked Proxy).
   * Not enumerable, and left out of `toJSON()`.
   */
  readonly cause?: unknown;
  /** The error as plain data, for logs: every field above and `message`. */
  toJSON(): KpsErrorJSON;
}

/** What `toJSON()` returns, for every kind of {@link KpsError}. */
export interface KpsErrorJSON {
  name: KpsErrorName;
  code: string;
  status: number;
  attempts: number;
  requestId?: string;
  field?: string;
  taskId?: string;
  task?: KeypairTask;
  taskErrorCode?: string;
  taskErrorMessage?: string;
  message: string;
}

/**
 * The fields only some kinds carry, declared `undefined` on the kinds that never have them: code that reads
 * one off any KpsError compiles, and narrowing by `name` says which are there.
 */
type KpsErrorLacks<
  Field extends 'requestId' | 'field' | 'taskId' | 'task' | 'taskErrorCode' | 'taskErrorMessage',
> = {
  readonly [F in Field]?: undefined;
};

/** An option is missing, of the wrong type or invalid; nothing was sent. */
export interface KpsValidationError
  extends KpsErrorFields,
    KpsErrorLacks<'requestId' | 'taskId' | 'task' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsValidationError';
  readonly code: 'INVALID_ARGUMENT';
  /** The option at fault, as a path: `'auth.type'`, `'credentials.secretAccessKey'`, `'headers.Host'`. */
  readonly field: string;
}

/** The service answered with an error status, or with a 202 whose `status` is `FAILED`. */
export interface KpsApiError extends KpsErrorFields, KpsErrorLacks<'field' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsApiError';
  /** `error_code` from the response body (`'KPS.0002'`, `'APIGW.0301'`), else `'HTTP_<status>'`. */
  readonly code: string;
  /** `X-Request-Id` of the response, for Huawei Cloud support. */
  readonly requestId?: string;
  /**
   * The task a failed wait was following (a poll answered with this error): it goes on, follow it with
   * {@link waitForKeypairTask}.
   */
  readonly taskId?: string;
  /** The task as last read by that wait; absent when no poll had been answered yet. */
  readonly task?: KeypairTask;
}

/** The service answered 2xx with a body that is not the documented shape, or with a redirect (never followed). */
export interface KpsResponseError
  extends KpsErrorFields,
    KpsErrorLacks<'field' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsResponseError';
  readonly code: 'INVALID_RESPONSE';
  /** `X-Request-Id` of the response, for Huawei Cloud support. */
  readonly requestId?: string;
  /**
   * The task a failed wait was following (a poll answered with this error): it goes on, follow it with
   * {@link waitForKeypairTask}.
   */
  readonly taskId?: string;
  /** The task as last read by that wait; absent when no poll had been answered yet. */
  readonly task?: KeypairTask;
}

/**
 * No response (DNS, a refused or reset connection, CORS), or a response whose body was cut short (then with its
 * `status`). The message names the host tried and what the runtime said; `cause` is what `fetch` threw.
 */
export interface KpsNetworkError
  extends KpsErrorFields,
    KpsErrorLacks<'field' | 'taskId' | 'task' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsNetworkError';
  readonly code: 'NETWORK_ERROR';
  /** `X-Request-Id` of a response whose body was cut short. */
  readonly requestId?: string;
}

/** `timeoutMs` (a call, or one poll) or `waitTimeoutMs` (a wait) elapsed. */
export interface KpsTimeoutError
  extends KpsErrorFields,
    KpsErrorLacks<'field' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsTimeoutError';
  readonly code: 'TIMEOUT';
  /**
   * When a wait ended this way after the unbind started: the task it was following, which goes on (follow it
   * with {@link waitForKeypairTask}).
   */
  readonly taskId?: string;
  /** The task as last read by that wait; absent when no poll had been answered yet. */
  readonly task?: KeypairTask;
  /** {@link disassociateKeypairAndWait}: `X-Request-Id` of the unbind whose task the wait was following. */
  readonly requestId?: string;
}

/** The caller's `signal` aborted. */
export interface KpsAbortError
  extends KpsErrorFields,
    KpsErrorLacks<'field' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsAbortError';
  readonly code: 'ABORTED';
  /**
   * When a wait ended this way after the unbind started: the task it was following, which goes on (follow it
   * with {@link waitForKeypairTask}).
   */
  readonly taskId?: string;
  /** The task as last read by that wait; absent when no poll had been answered yet. */
  readonly task?: KeypairTask;
  /** {@link disassociateKeypairAndWait}: `X-Request-Id` of the unbind whose task the wait was following. */
  readonly requestId?: string;
}

/** A task ended in a `FAILED_*` status. */
export interface KpsTaskFailedError extends KpsErrorFields, KpsErrorLacks<'field'> {
  readonly name: 'KpsTaskFailedError';
  readonly code: 'TASK_FAILED';
  /** The ID of the task that failed. */
  readonly taskId: string;
  /** The task that failed, as last read. */
  readonly task: KeypairTask;
  /** {@link disassociateKeypairAndWait}: `X-Request-Id` of the unbind whose task the wait was following. */
  readonly requestId?: string;
  /** `task_error_code` from the failed-tasks list, when it has the task. */
  readonly taskErrorCode?: string;
  /** `task_error_msg` from the failed-tasks list, when it has the task. */
  readonly taskErrorMessage?: string;
}

/**
 * The WebAssembly module could not be loaded: every call rejects with this until {@link init} loads it. The
 * message says from where and what to do; `status` is the HTTP status of the `.wasm` fetch, if any.
 */
export interface KpsLoadError
  extends KpsErrorFields,
    KpsErrorLacks<'requestId' | 'field' | 'taskId' | 'task' | 'taskErrorCode' | 'taskErrorMessage'> {
  readonly name: 'KpsLoadError';
  readonly code: 'WASM_LOAD_FAILED';
}

/** True when `value` is a KpsError, from this copy of the package or another one. */
export function isKpsError(value: unknown): value is KpsError;

// Only what is marked `export` above is the package's (a declaration file exports everything otherwise).
export {};
