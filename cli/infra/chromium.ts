import { mustRun } from "./exec.ts";

/** Debian's Chromium, which the browser tests drive with Playwright. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * The path of Debian's Chromium, installing the `chromium` package (as root) when it is missing.
 * `./berth test` calls it once before the tests start, so tests that run side by side never
 * race for apt's lock.
 */
export async function ensureChromium(say: (m: string) => void = console.error): Promise<string> {
  if (await exists(CHROMIUM)) return CHROMIUM;
  if (Deno.uid() !== 0) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (sudo apt-get install chromium)`,
    );
  }
  say("berth: installing Debian's chromium package (once)");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await mustRun("apt-get", ["update", "-q"], { env });
  await mustRun("apt-get", ["install", "-y", "-q", "chromium"], { env });
  if (!await exists(CHROMIUM)) throw new Error(`installed chromium but found no ${CHROMIUM}`);
  return CHROMIUM;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
