// Where the tests find the built package and the crate it comes from.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const PKG = fileURLToPath(new URL('../../pkg/', import.meta.url));

/** The version in the root Cargo.toml's [package], the one source the npm version is built from. */
export function crateVersion() {
  const manifest = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8');
  const section = manifest.split('[package]')[1];
  return /^version\s*=\s*"([^"]+)"/m.exec(section)[1];
}
