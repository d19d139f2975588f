// Compiled with `tsc --strict --noEmit` by `cargo xtask test`: the declarations accept what users write
// and reject what they must not (each @ts-expect-error fails the build if the line type-checks).
import { init, isKpsError, KpsError, version } from 'kps-wasm';

const v: string = version();
await init();
await init(new URL('https://example.com/kps_wasm_bg.wasm'));

function describe(error: unknown): string {
  if (isKpsError(error)) {
    const code: string = error.code;
    const status: number = error.status;
    const field: string | undefined = error.field;
    return `${error.name} ${code} ${status} ${field ?? ''} ${error.requestId ?? ''}`;
  }
  if (error instanceof KpsError) return error.message;
  return String(error);
}
describe(v);

// @ts-expect-error version takes no argument
version(1);
// @ts-expect-error init does not take null (undefined, or nothing, means "next to the entry module")
await init(null);
// @ts-expect-error KpsError is not constructed by users
new KpsError();

import {
  deleteFailedTask,
  disassociateKeypair,
  disassociateKeypairAndWait,
  getKeypairTask,
  listFailedTasks,
  listRunningTasks,
  waitForKeypairTask,
  type KeypairTask,
} from 'kps-wasm';

const client = { region: 'cn-north-4', token: 't' } as const;
const projectId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const taskId: string = await disassociateKeypair({ ...client, projectId, serverId: 's', auth: { type: 'keypair', key: 'k' } });
const task: KeypairTask = await waitForKeypairTask({ ...client, projectId, taskId, intervalMs: 500, onProgress: (t) => t.status });
const done: KeypairTask = await disassociateKeypairAndWait({ ...client, projectId, serverId: 's', waitTimeoutMs: 60_000 });
const read: KeypairTask = await getKeypairTask({ ...client, projectId, taskId: task.taskId });
const running = await listRunningTasks({ ...client, projectId, limit: 10, offset: 0 });
const when: number = running.tasks[0].taskTime;
const failed = await listFailedTasks({ credentials: { accessKeyId: 'a', secretAccessKey: 's' }, endpoint: '/kps', signingHost: 'kms.cn-north-4.myhuaweicloud.com', projectId });
const why: string | undefined = failed.tasks[0].taskErrorCode;
const nothing: void = await deleteFailedTask({ ...client, projectId });
describe([done, read, when, why, nothing]);

// @ts-expect-error auth.type is 'keypair' or 'password'
await disassociateKeypair({ ...client, projectId, serverId: 's', auth: { type: 'pem', key: 'k' } });
// @ts-expect-error waitForKeypairTask needs a taskId
await waitForKeypairTask({ ...client, projectId });

import { signRequest, type SignRequestOptions } from 'kps-wasm';

const signOptions: SignRequestOptions = {
  method: 'POST',
  url: `https://kms.cn-north-4.myhuaweicloud.com/v3/${projectId}/keypairs/disassociate`,
  headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': projectId },
  body: JSON.stringify({ server: { id: 's' } }),
  credentials: { accessKeyId: 'a', secretAccessKey: 's', securityToken: 't' },
  date: new Date(),
};
const signed: Record<string, string> = signRequest(signOptions);
const authorization: string | undefined = signed['Authorization'];
await fetch(signOptions.url, { method: signOptions.method, headers: signed, body: signOptions.body });
signRequest({ method: 'get', url: 'https://ecs.cn-north-4.myhuaweicloud.com/v1/p/cloudservers', credentials: { accessKeyId: 'a', secretAccessKey: 's' }, date: Date.now() });
describe([authorization]);

// @ts-expect-error signRequest needs credentials (a token cannot sign)
signRequest({ method: 'GET', url: 'https://ecs.cn-north-4.myhuaweicloud.com/v1/p/cloudservers', token: 't' });
// @ts-expect-error the body is the exact text sent: stringify objects first
signRequest({ ...signOptions, body: { server: { id: 's' } } });

import { validateOptions } from 'kps-wasm';
const problem: KpsError | undefined = validateOptions('disassociateKeypair', { projectId: 'x' });
describe(problem?.field);
// @ts-expect-error validateOptions takes the name of a kps-wasm function
validateOptions('fetch', {});

import { disassociateKeypairs, type FleetProgress, type FleetReport } from 'kps-wasm';

const fleet: FleetReport = await disassociateKeypairs({
  ...client,
  projectId,
  servers: ['s-1', { serverId: 's-2', auth: { type: 'keypair', key: 'pem' } }],
  concurrency: 16,
  maxAttempts: 5,
  onProgress: (event: FleetProgress) => describe([event.serverId, event.outcome, event.totals.succeeded]),
});
for (const result of fleet.results) {
  const outcome: 'succeeded' | 'failed' | 'started' | 'not-started' = result.outcome;
  describe([outcome, result.taskId, result.error?.code, result.attempts]);
  // A success found by a resend after a lost answer has no task ID; its status says so.
  if (result.outcome === 'succeeded' && result.status === 'KEYPAIR_NOT_BOUND') describe([result.serverId]);
  const status: string | undefined = result.status;
  describe([status]);
}
describe([fleet.total, fleet.notStarted, fleet.aborted, fleet.requests]);
// @ts-expect-error a fleet's servers are IDs or { serverId, auth? }
await disassociateKeypairs({ ...client, projectId, servers: [{ id: 's-1' }] });
validateOptions('disassociateKeypairs', {});

import type { ResponseMetadata } from 'kps-wasm';
const audit: ResponseMetadata[] = [];
await disassociateKeypair({ ...client, projectId, serverId: 's', onResponse: (r) => audit.push(r) });
const first: string = audit[0].operation;
const unbindRequestId: string | undefined = done.requestId;
describe([first, unbindRequestId, audit[0].requestId, audit[0].status, audit[0].attempts]);
try {
  await disassociateKeypairAndWait({ ...client, projectId, serverId: 's', waitTimeoutMs: 1000 });
} catch (e) {
  if (isKpsError(e) && e.taskId !== undefined) describe([e.taskId, e.task?.status]);
  if (isKpsError(e) && e.name === 'KpsTaskFailedError') {
    const failedTaskId: string = e.taskId;
    describe([failedTaskId, e.requestId]);
  }
  if (isKpsError(e) && e.name === 'KpsTimeoutError') describe([e.taskId, e.task?.status, e.requestId]);
  if (isKpsError(e) && e.name === 'KpsValidationError') {
    // @ts-expect-error a validation error is about an option, never about a task
    const optionTaskId: string = e.taskId;
    describe(optionTaskId);
  }
}
// @ts-expect-error onResponse is told of responses, not given the options
await disassociateKeypair({ ...client, projectId, serverId: 's', onResponse: 'console.log' });
