import { expect, test, type Browser } from "@playwright/test";
import * as fs from "node:fs";
import { ARTIFACTS, hydrated, pageReady } from "./helpers";

const PUBLIC_PAGES = ["/", "/forum", "/forum/c/billing", "/stories", "/wall", "/search?q=invoice"];
const BUDGET_BYTES = 60_000;

/** Loads `path` in a fresh browser (empty cache) and returns what it fetched: WASM files and
 * compressed script bytes. */
async function weigh(browser: Browser, path: string) {
  const page = await (await browser.newContext()).newPage();
  const wasm: string[] = [];
  const scripts: Promise<number>[] = [];
  page.on("requestfinished", (request) => {
    const url = request.url();
    if (url.endsWith(".wasm")) wasm.push(url);
    if (request.resourceType() === "script" || url.endsWith(".wasm")) {
      scripts.push(request.sizes().then((sizes) => sizes.responseBodySize));
    }
  });
  await page.goto(path);
  await pageReady(page);
  await page.waitForLoadState("networkidle");
  const bytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0);
  return { wasm, bytes, page };
}

test("public reading pages ship no WASM and stay under the script budget; interactive pages hydrate", async ({ browser }) => {
  const report: Record<string, number> = {};
  for (const path of PUBLIC_PAGES) {
    const { wasm, bytes, page } = await weigh(browser, path);
    expect(wasm, `${path} loads no WASM`).toEqual([]);
    expect(bytes, `${path} loads portal.js`).toBeGreaterThan(0);
    expect(bytes, `${path} script bytes`).toBeLessThan(BUDGET_BYTES);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
    report[path] = bytes;
  }
  // The first thread on the forum index, too.
  const index = (await weigh(browser, "/forum/c/billing")).page;
  const threadHref = await index.locator("a[href^='/forum/t/']").first().getAttribute("href");
  expect(threadHref).toBeTruthy();
  const thread = await weigh(browser, threadHref!);
  expect(thread.wasm).toEqual([]);
  report["/forum/t/:id"] = thread.bytes;

  const signin = await weigh(browser, "/signin");
  await hydrated(signin.page);
  expect(signin.wasm.length, "the sign-in page hydrates").toBe(1);
  report["/signin (hydrated)"] = signin.bytes;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(`${ARTIFACTS}/portal-weight.json`, JSON.stringify(report, null, 2));
});

test("the small-screen menu opens on a portal page without WASM", async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await page.goto("/forum");
  await pageReady(page);
  const toggle = page.getByRole("button", { name: "Menu" });
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Stories" })).toBeHidden();
  await toggle.click();
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Stories" })).toBeVisible();
});
