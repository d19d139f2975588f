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
