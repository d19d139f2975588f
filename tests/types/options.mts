// The options' types say what validation says: exactly one of `token` and `credentials`, exactly one of
// `region` and `endpoint`, and `signingHost` only with credentials sent to an endpoint. Passing both of a
// pair is a type error; spreading a shared client object (the README's pattern) still compiles.
import {
  deleteFailedTask,
  disassociateKeypair,
  getKeypairTask,
  listRunningTasks,
  waitForKeypairTask,
  type AccessKeyCredentials,
  type ClientOptions,
  type DisassociateKeypairOptions,
} from 'kps-wasm';

declare const iamToken: string;
declare const credentials: AccessKeyCredentials;
const projectId = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const serverId = 'd76baba7-ef09-40a2-87ff-3eafec0696e7';

// A client object, spread into each call.
const client = { region: 'cn-north-4', token: iamToken };
const taskId = await disassociateKeypair({ ...client, projectId, serverId });
await waitForKeypairTask({ ...client, projectId, taskId, intervalMs: 1000, maxAttempts: 1 });
await deleteFailedTask({ ...client, projectId });

// Credentials behind a proxy, with the host to sign for.
const proxied = { endpoint: '/kps', credentials, signingHost: 'kms.cn-north-4.myhuaweicloud.com' };
await getKeypairTask({ ...proxied, projectId, taskId });
await listRunningTasks({ ...proxied, projectId, limit: 10 });

// A client typed as ClientOptions, or chosen at run time, spreads too.
const typed: ClientOptions = { endpoint: 'https://kms.cn-north-4.myhuaweicloud.com', credentials, timeoutMs: 10_000 };
await disassociateKeypair({ ...typed, projectId, serverId });
declare const useToken: boolean;
const chosen = useToken ? { region: 'cn-north-4', token: iamToken } : { endpoint: '/kps', credentials };
await disassociateKeypair({ ...chosen, projectId, serverId });
// An option left undefined counts as left out, as validation treats it.
const options: DisassociateKeypairOptions = { region: 'cn-north-4', endpoint: undefined, token: iamToken, credentials: undefined, projectId, serverId };
await disassociateKeypair(options);

// @ts-expect-error exactly one of token and credentials, not both
await disassociateKeypair({ region: 'cn-north-4', token: iamToken, credentials, projectId, serverId });
// @ts-expect-error exactly one of token and credentials, not neither
await disassociateKeypair({ region: 'cn-north-4', projectId, serverId });
// @ts-expect-error exactly one of region and endpoint, not both
await disassociateKeypair({ ...client, endpoint: 'https://kms.cn-north-4.myhuaweicloud.com', projectId, serverId });
// @ts-expect-error exactly one of region and endpoint, not neither
await listRunningTasks({ token: iamToken, projectId });
// @ts-expect-error signingHost signs AK/SK requests: with a token it has no use
await disassociateKeypair({ endpoint: '/kps', token: iamToken, signingHost: 'kms.cn-north-4.myhuaweicloud.com', projectId, serverId });
// @ts-expect-error signingHost is for an endpoint (a proxy): a region's host is already the signed one
await disassociateKeypair({ region: 'cn-north-4', credentials, signingHost: 'kms.cn-north-4.myhuaweicloud.com', projectId, serverId });
// @ts-expect-error the shared client already has a token
await getKeypairTask({ ...client, credentials, projectId, taskId });
