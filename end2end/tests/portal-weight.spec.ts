import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import { ARTIFACTS, hydrated, pageReady } from "./helpers";

const PUBLIC_PAGES = ["/", "/forum", "/forum/c/billing", "/stories", "/wall", "/search?q=invoice"];
const BUDGET_BYTES = 60_000;

/** Loads `path` and returns what it fetched: WASM files and compressed script bytes. */
async function weigh(page: Page, path: string) {
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
  page.removeAllListeners("requestfinished");
  return { wasm, bytes };
}

test("public reading pages ship no WASM and stay under the script budget; interactive pages hydrate", async ({ page }) => {
  const report: Record<string, number> = {};
  for (const path of PUBLIC_PAGES) {
    const { wasm, bytes } = await weigh(page, path);
    expect(wasm, `${path} loads no WASM`).toEqual([]);
    expect(bytes, `${path} script bytes`).toBeLessThan(BUDGET_BYTES);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
    report[path] = bytes;
  }
  // The first thread on the forum index, too.
  await page.goto("/forum/c/billing");
  const threadHref = await page.locator("a[href^='/forum/t/']").first().getAttribute("href");
  expect(threadHref).toBeTruthy();
  const thread = await weigh(page, threadHref!);
  expect(thread.wasm).toEqual([]);
  report["/forum/t/:id"] = thread.bytes;

  const signin = await weigh(page, "/signin");
  await hydrated(page);
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
