// The emulator's benchmark fixture (emulator/README.md, "Benchmark path"): every valid disassociate of this
// server in this project is answered 202 with a fresh task ID, after full authentication, and changes no state.
export const PROJECT_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const SERVER_ID = 'b0000000-0000-4000-8000-000000000001';
export const TOKEN = 'emulator-token';
export const CREDENTIALS = Object.freeze({
  accessKeyId: 'HPUAL7MDDNZ3EXAMPLE1',
  secretAccessKey: 'qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m',
});

/** The options both clients are called with, for one kind of authentication ('token' or 'aksk'). */
export function callOptions(endpoint, auth) {
  const common = { endpoint, projectId: PROJECT_ID, serverId: SERVER_ID };
  if (auth === 'token') return { ...common, token: TOKEN };
  if (auth === 'aksk') return { ...common, credentials: { ...CREDENTIALS } };
  throw new Error(`unknown auth kind ${auth}`);
}
