/**
 * A page in a real headless Chromium (Debian's, which `./berth test` installs; see
 * cli/infra/chromium.ts), driven by Playwright, for tests of the pages the api serves.
 */
import type { Page } from "playwright-core";
import { chromium } from "playwright-core";

/** Opens a page of `width` x `height`, runs `fn` with it, and closes the browser. */
export async function withPage<T>(
  fn: (page: Page) => Promise<T>,
  opts: { width?: number; height?: number } = {},
): Promise<T> {
  const browser = await chromium.launch({
    executablePath: Deno.env.get("BERTH_CHROMIUM") ?? "/usr/bin/chromium",
    // Tests run as root here, where Chromium's sandbox cannot start.
    args: ["--no-sandbox"],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    });
    return await fn(page);
  } finally {
    await browser.close();
  }
}
