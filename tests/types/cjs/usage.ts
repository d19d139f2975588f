// A CommonJS project compiled with `module: node16` (and, by the suite, `nodenext`): both ways TypeScript
// writes a require() find the package's CommonJS declarations (index.d.cts) through the `require`
// condition. With ESM-only declarations each import below is TS1479/TS1471.
import kps = require('kps-wasm');
import { disassociateKeypair, isKpsError, KpsError, type KeypairTask, type KpsValidationError } from 'kps-wasm';

async function unbind(iamToken: string): Promise<KeypairTask | undefined> {
  const client = { region: 'cn-north-4', token: iamToken };
  const projectId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
  try {
    const taskId: string = await disassociateKeypair({ ...client, projectId, serverId: 'd76baba7-ef09-40a2-87ff-3eafec0696e7' });
    return await kps.waitForKeypairTask({ ...client, projectId, taskId });
  } catch (e) {
    if (isKpsError(e) && e.name === 'KpsTaskFailedError') return e.task;
    if (e instanceof kps.KpsError && e.name === 'KpsValidationError') console.error(e.field);
    throw e;
  }
}

const problem: KpsValidationError | undefined = kps.validateOptions('getKeypairTask', {});
const sameClass: typeof KpsError = kps.KpsError;
const task: kps.KeypairTask | undefined = undefined;
console.log(unbind, problem, sameClass, task, kps.version());

// @ts-expect-error exactly one of token and credentials
kps.disassociateKeypair({ region: 'cn-north-4', projectId: 'p', serverId: 's' });
