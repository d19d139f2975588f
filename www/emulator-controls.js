// The local emulator's control endpoints (emulator/README.md), used only when the emulator serves this page.

/** True when this page is served by kps-emulator (its state endpoint answers on the page's origin). */
export async function isServedByEmulator() {
  try {
    const response = await fetch('/__emulator/state', { cache: 'no-store' });
    if (!response.ok) return false;
    const state = await response.json();
    return Array.isArray(state.projects);
  } catch {
    return false;
  }
}

/** Puts the servers back as the fixture has them and removes every task. */
export async function resetEmulator() {
  const response = await fetch('/__emulator/reset', { method: 'POST' });
  if (!response.ok) throw new Error(`the emulator answered HTTP ${response.status} to the reset`);
}
