// KpsError: the one class every kps-wasm failure is thrown as (see index.d.ts for the contract).

// A registry symbol, not a module-local one, so that errors from a second copy of the package
// (two bundles, ESM and CJS side by side) are still recognised.
const BRAND = Symbol.for('kps-wasm.KpsError');

export class KpsError extends Error {
  constructor(name, code, message, details) {
    super(message);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = name;
    this.code = code;
    this.status = (details && details.status) || 0;
    // How many requests the call made (retries included); 1 for a call that made one, or none.
    this.attempts = (details && details.attempts) || 1;
    if (details && details.requestId !== undefined) this.requestId = details.requestId;
    if (details && details.field !== undefined) this.field = details.field;
    // The task the failure is about (a failed task; a wait that timed out, was aborted or refused): its ID,
    // the task as last read, and why it failed when the failed-tasks list says.
    if (details && details.taskId !== undefined) this.taskId = details.taskId;
    if (details && details.task !== undefined) this.task = details.task;
    if (details && details.taskErrorCode !== undefined) this.taskErrorCode = details.taskErrorCode;
    if (details && details.taskErrorMessage !== undefined) this.taskErrorMessage = details.taskErrorMessage;
    // What the runtime threw (a load failure's, a network error's), as it threw it: not enumerable, as Error's
    // own `cause`, so that JSON.stringify leaves it out.
    if (details && details.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: details.cause, writable: true, configurable: true });
    }
  }

  // `e instanceof KpsError` holds for errors from any copy of the package.
  static [Symbol.hasInstance](value) {
    return isKpsError(value);
  }

  toJSON() {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      attempts: this.attempts,
      requestId: this.requestId,
      field: this.field,
      taskId: this.taskId,
      task: this.task,
      taskErrorCode: this.taskErrorCode,
      taskErrorMessage: this.taskErrorMessage,
      message: this.message,
    };
  }
}

export function isKpsError(value) {
  return typeof value === 'object' && value !== null && value[BRAND] === true;
}
