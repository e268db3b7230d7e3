import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { pageReady } from "./helpers";

// Every portal page passes an automated accessibility check (axe-core, WCAG 2.1 A/AA rules):
// the test fails on serious or critical violations and lists them.
const PAGES = ["/", "/forum", "/forum/c/billing", "/forum/c/billing?sort=unanswered", "/search?q=refund", "/stories", "/wall", "/signin", "/signup", "/forum/new"];

for (const path of PAGES) {
  test(`accessibility: ${path}`, async ({ page }) => {
    await page.goto(path);
    await pageReady(page);
    await expectAccessible(page);
  });
}

test("accessibility: a thread and a member profile", async ({ page }) => {
  await page.goto("/forum/c/billing");
  await page.locator(".thread-row__title").first().click();
  await pageReady(page);
  await expectAccessible(page);
  await page.locator(".post__author").first().click();
  await expect(page.getByRole("heading", { name: "Recognition" })).toBeVisible();
  await expectAccessible(page);
});

async function expectAccessible(page: import("@playwright/test").Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
  expect(serious, `on ${page.url()}`).toEqual([]);
}
