/**
 * Debian's Chromium driven by playwright-core for the viewer's browser tests and benchmark. The
 * browser comes from the system package (`.ci/run` installs `chromium` with apt-get); playwright's
 * own browser downloads are never used.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.SWAXS_CHROMIUM ?? "/usr/bin/chromium";

export function chromiumPresent(): boolean {
  return existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}
