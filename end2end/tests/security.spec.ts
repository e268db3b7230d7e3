import { expect, test, type Page } from "@playwright/test";
import { pageReady, signIn } from "./helpers";

// Pages still hydrate and enhance under the Content-Security-Policy, and nothing they do is
// refused by it: a refusal would mean a feature silently broken by the policy.
function watchPolicy(page: Page) {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}

test("public and hydrated pages work under the Content-Security-Policy", async ({ page }) => {
  const refused = watchPolicy(page);
  for (const path of ["/", "/stories", "/wall", "/forum", "/signin"]) {
    const response = await page.goto(path);
    expect(response!.headers()["content-security-policy"]).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-[A-Za-z0-9_-]+'/);
    await pageReady(page);
  }
  await signIn(page, "agent@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 15_000 });
  await expect(page.locator("table.inbox tbody tr").first()).toBeVisible();
  expect(refused).toEqual([]);
});

test("a script injected into a page is refused by the policy", async ({ page }) => {
  const refused = watchPolicy(page);
  await page.goto("/stories");
  await pageReady(page);
  // As if stored markup had slipped through: an inline script without the page's nonce.
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "document.body.dataset.injected = 'ran'";
    document.body.append(script);
  });
  await expect.poll(() => refused.length).toBeGreaterThan(0);
  expect(await page.locator("body").getAttribute("data-injected")).toBeNull();
});
