// KpsError is a union told apart by `name`: once code has checked the name, it reads that kind's fields
// under --strict without `!` or `?.`, and reading a field the kind never has is an error.
import {
  disassociateKeypairAndWait,
  isKpsError,
  KpsError,
  validateOptions,
  type KeypairTask,
  type KpsApiError,
  type KpsErrorName,
  type KpsTaskFailedError,
  type KpsValidationError,
} from 'kps-wasm';

declare const caught: unknown;
declare function report(...values: unknown[]): void;

// The README's pattern: isKpsError, then the name.
if (isKpsError(caught) && caught.name === 'KpsTaskFailedError') {
  const task: KeypairTask = caught.task;
  const status: string = caught.task.status;
  const why: string | undefined = caught.taskErrorCode ?? caught.taskErrorMessage;
  const code: 'TASK_FAILED' = caught.code;
  report(task, status, why, code);
}
if (isKpsError(caught) && caught.name === 'KpsValidationError') {
  const field: string = caught.field;
  const code: 'INVALID_ARGUMENT' = caught.code;
  // @ts-expect-error a validation error has no request ID: nothing was sent
  const id: string = caught.requestId;
  report(field, code, id);
}

// `instanceof` narrows to the same union.
if (caught instanceof KpsError && caught.name === 'KpsTaskFailedError') {
  const failed: KpsTaskFailedError = caught;
  report(failed.task.taskId);
}

// Before the name is checked, every field any kind has is readable, possibly undefined.
if (isKpsError(caught)) {
  const name: KpsErrorName = caught.name;
  const code: string = caught.code;
  const status: number = caught.status;
  const attempts: number = caught.attempts;
  const message: string = caught.message;
  const id: string | undefined = caught.requestId;
  const field: string | undefined = caught.field;
  const task: KeypairTask | undefined = caught.task;
  const json: { name: KpsErrorName; code: string; attempts: number; message: string } = caught.toJSON();
  report(name, code, status, attempts, message, id, field, task, json, caught.cause);
  // @ts-expect-error only a KpsTaskFailedError carries its task: check the name first
  report(caught.task.status);
  // @ts-expect-error only a KpsValidationError is sure to name a field
  const named: string = caught.field;
  report(named);
}

// Each kind declares exactly its fields.
function explain(error: KpsError): string {
  switch (error.name) {
    case 'KpsValidationError':
      return `${error.field}: ${error.message}`;
    case 'KpsApiError':
      return `${error.code} (HTTP ${error.status}, request ${error.requestId ?? 'unknown'})`;
    case 'KpsResponseError':
    case 'KpsNetworkError':
      return `${error.status} ${error.requestId ?? ''}`;
    case 'KpsTimeoutError':
    case 'KpsAbortError':
      // @ts-expect-error no request ID: no complete response arrived
      return error.requestId.length.toString();
    case 'KpsTaskFailedError':
      return `${error.task.serverId} ${error.task.status} ${error.taskErrorCode ?? ''}`;
    case 'KpsLoadError':
      return `${error.code satisfies 'WASM_LOAD_FAILED'} ${String(error.cause)}`;
    default: {
      // A kind added to KpsErrorName without its own member would land here.
      const unhandled: never = error;
      return unhandled;
    }
  }
}
report(explain);

// @ts-expect-error not a kind of KpsError
const unknownKind: KpsErrorName = 'KpsOtherError';
declare const api: KpsApiError;
// @ts-expect-error a KpsApiError carries no task
report(unknownKind, api.task.status);

// validateOptions can only return a validation error.
const problem: KpsValidationError | undefined = validateOptions('disassociateKeypair', {});
if (problem) report(problem.field.split('.'));

// A rejected wait, caught the way the README does.
try {
  await disassociateKeypairAndWait({ region: 'cn-north-4', token: 't', projectId: 'p', serverId: 's' });
} catch (e) {
  if (!isKpsError(e) || e.name !== 'KpsTaskFailedError') throw e;
  report(e.task.status, e.taskErrorCode, e.taskErrorMessage);
}
