/**
 * Debian's headless Chromium driven by puppeteer-core: loads a page at a
 * given width and keeps a full-page screenshot under tests/artifacts/.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { join } from "node:path";
import { REPO } from "./gateway_process.ts";

export const ARTIFACTS = join(REPO, "tests", "artifacts");

export async function launchChromium(): Promise<Browser> {
  return await puppeteer.launch({
    executablePath: Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** Opens `url` at `width` px; the page is returned for queries, the screenshot path printed. */
export async function openAt(
  browser: Browser,
  url: string,
  width: number,
  shotName: string,
): Promise<{ page: Page; shot: string }> {
  const page = await browser.newPage();
  await page.setViewport({ width, height: width < 600 ? 844 : 900, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, `${shotName}-${width}px.png`);
  await page.screenshot({ path: shot as `${string}.png`, fullPage: true });
  console.log(`screenshot: ${shot}`);
  return { page, shot };
}

/** How far the page scrolls sideways (0 when it fits the viewport's width). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return await page.evaluate(
    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
  ) as number;
}
