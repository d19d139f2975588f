// The emulator the JS suites talk to: `cargo xtask test` starts one and passes its URL in KPS_EMULATOR_URL.
export const EMULATOR = process.env.KPS_EMULATOR_URL;
if (!EMULATOR) throw new Error('KPS_EMULATOR_URL is not set: run these tests through `cargo xtask test`');

export const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const TOKEN = 'emulator-token';
/** The emulator's benchmark server: every valid call gets a fresh task ID, state never changes. */
export const BENCH_SERVER = 'b0000000-0000-4000-8000-000000000001';
/** An AK/SK pair the emulator knows, allowed on PROJECT (the signing vectors' pair). */
export const CREDENTIALS = {
  accessKeyId: 'HPUAL7MDDNZ3EXAMPLE1',
  secretAccessKey: 'qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m',
};
