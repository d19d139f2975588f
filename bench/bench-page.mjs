// A bench page in headless Chromium (Debian's, through playwright-core), served by the emulator from bench/.
import { launchChromium, recordPageProblems } from '../tests/js/chromium.mjs';

/**
 * Opens `${origin}/${file}` in a fresh Chromium, waits until the page sets `window.benchReady`, runs
 * `measure(page)`, and fails if the page reported an error or a console error (but those `tolerated` matches).
 * Resolves with the browser's version and what `measure` resolved with; the browser is closed in any case.
 */
export async function onBenchPage(origin, file, measure, tolerated = null) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    await page.goto(`${origin}/${file}`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 15000 }).catch(() => {
      throw new Error(`the bench page did not load: ${problems.join('; ') || 'no error reported'}`);
    });
    const result = await measure(page);
    const unexpected = problems.filter((problem) => !tolerated?.test(problem));
    if (unexpected.length > 0) throw new Error(`the bench page reported problems: ${unexpected.join('; ')}`);
    return { version: browser.version(), result };
  } finally {
    await browser.close();
  }
}
