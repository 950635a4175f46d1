/**
 * Headless Chromium for the HTML report tests: Debian's /usr/bin/chromium (installed by
 * .ci/run), driven by playwright-core. Never a downloaded browser, and no network: the flags
 * keep Chromium from phoning home, and a fresh profile per launch keeps runs independent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return `${CHROMIUM} is not installed (Debian's chromium package; .ci/run installs it): the HTML report's browser tests are skipped`;
}

export interface RunningBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A browser on a fresh profile. playwright passes the profile as --user-data-dir itself (it
 * refuses the flag in `args`), which is why this is a persistent context on a new directory.
 */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<RunningBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
