// Hand-written declarations for kps-wasm. Kept in step with api.js (tests/js/exports.test.mjs) and checked
// with `tsc --strict` against tests/types/usage.ts.

/** Options every call accepts: how to authenticate, where to send the request, and when to give up. */
export interface ClientOptions {
  /** An IAM token, sent as `X-Auth-Token`. Exactly one of `token` and `credentials`. */
  token?: string;
  /** An access key pair (temporary ones with `securityToken`): requests are signed with SDK-HMAC-SHA256. */
  credentials?: { accessKeyId: string; secretAccessKey: string; securityToken?: string };
  /** A region such as `'cn-north-4'`: the endpoint is `https://kms.{region}.myhuaweicloud.com`. Exactly one of `region` and `endpoint`. */
  region?: string;
  /** A base URL (`https://…`, `http://` only for loopback unless `allowInsecureHttp`); in browsers also a relative path such as `'/kps'` (a same-origin proxy). */
  endpoint?: string;
  /** With `credentials` behind a relative `endpoint`: the upstream host to sign for, e.g. `'kms.cn-north-4.myhuaweicloud.com'`. */
  signingHost?: string;
  /** Limit for the whole call, in milliseconds (1–600000). Default 30000. */
  timeoutMs?: number;
  /** Aborts the call; it then rejects with a `KpsAbortError`. */
  signal?: AbortSignal;
  /** Allow `http://` to a host that is not loopback. */
  allowInsecureHttp?: boolean;
}

/** Options of {@link disassociateKeypair}. */
export interface DisassociateKeypairOptions extends ClientOptions {
  /** The project ID: 32 lowercase hex characters, as IAM returns it. */
  projectId: string;
  /** The ECS server ID (a UUID). */
  serverId: string;
  /** Needed when the server is running: its current private key (PEM) or its password. A stopped server needs none. */
  auth?: { type: 'keypair' | 'password'; key: string };
}

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

/** The version of kps-wasm, from the Rust crate it is built from (e.g. "0.1.0"). */
export function version(): string;

/**
 * Loads the WebAssembly module. Optional: the package loads itself on import (next to its entry module in
 * browsers and bundlers, from disk in Node). Call it to load from another place when that failed. Once a
 * module is loaded, further calls resolve at once and change nothing.
 */
export function init(
  moduleOrUrl?: string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module,
): Promise<void>;

/** What went wrong, as `KpsError.name`. */
export type KpsErrorName =
  | 'KpsValidationError'
  | 'KpsApiError'
  | 'KpsResponseError'
  | 'KpsNetworkError'
  | 'KpsTimeoutError'
  | 'KpsAbortError'
  | 'KpsTaskFailedError';

/**
 * Every failure of kps-wasm is a KpsError. `instanceof KpsError` and `isKpsError()` hold across copies of
 * the package. No message, stack or JSON form ever contains a token, secret key, private key or password.
 */
export class KpsError extends Error {
  private constructor();
  readonly name: KpsErrorName;
  /**
   * API errors: `error_code` from the response body (`'KPS.0002'`, `'APIGW.0301'`), else `'HTTP_<status>'`.
   * Local errors: `'INVALID_ARGUMENT'`, `'INVALID_RESPONSE'`, `'NETWORK_ERROR'`, `'TIMEOUT'`, `'ABORTED'`,
   * `'TASK_FAILED'`.
   */
  readonly code: string;
  /** HTTP status of the response; 0 when there was none. */
  readonly status: number;
  /** `X-Request-Id` of the response, for Huawei Cloud support. */
  readonly requestId?: string;
  /** For validation errors: the option at fault, as a path (`'auth.type'`). */
  readonly field?: string;
  toJSON(): {
    name: KpsErrorName;
    code: string;
    status: number;
    requestId?: string;
    field?: string;
    message: string;
  };
}

/** True when `value` is a KpsError, from this copy of the package or another one. */
export function isKpsError(value: unknown): value is KpsError;
