// The local emulator's control endpoints (emulator/README.md), used only when the emulator serves this page.

/** The prefix of the servers `--fleet N` adds (emulator/README.md, "Fleet servers"). */
const FLEET_PREFIX = 'f1ee7000-0000-4000-8000-';

/**
 * The emulator's state when kps-emulator serves this page (its state endpoint answers on the page's origin),
 * else undefined.
 */
export async function emulatorState() {
  try {
    const response = await fetch('/__emulator/state', { cache: 'no-store' });
    if (!response.ok) return undefined;
    const state = await response.json();
    return Array.isArray(state.projects) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** The IDs of the emulator's fleet servers (`--fleet N`), in order. */
export function fleetServersOf(state) {
  return state.projects
    .flatMap((project) => project.servers)
    .map((server) => server.id)
    .filter((id) => id.startsWith(FLEET_PREFIX))
    .sort();
}

/** Puts the servers back as the fixture has them and removes every task. */
export async function resetEmulator() {
  const response = await fetch('/__emulator/reset', { method: 'POST' });
  if (!response.ok) throw new Error(`the emulator answered HTTP ${response.status} to the reset`);
}

/** The gateway's rate limit, in requests per second per project (0: none). */
export async function rateLimit() {
  const response = await fetch('/__emulator/rate-limit', { cache: 'no-store' });
  if (!response.ok) throw new Error(`the emulator answered HTTP ${response.status}`);
  return (await response.json()).perSecond;
}

/** Sets the gateway's rate limit (0 turns it off); the emulator's message when it refuses the value. */
export async function setRateLimit(perSecond) {
  const response = await fetch('/__emulator/rate-limit', {
    method: 'POST',
    body: JSON.stringify({ perSecond }),
  });
  if (response.ok) return (await response.json()).perSecond;
  const answer = await response.json().catch(() => ({}));
  throw new Error(answer.error_msg ?? `the emulator answered HTTP ${response.status}`);
}
