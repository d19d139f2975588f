// Hand-written declarations for kps-wasm. Kept in step with api.js (tests/js/exports.test.mjs) and checked
// with `tsc --strict` against tests/types/usage.ts.

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
