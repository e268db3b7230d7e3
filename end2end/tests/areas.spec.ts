import { expect, test } from "@playwright/test";
import { ARTIFACTS, pageReady, signIn, signUp, uniqueEmail } from "./helpers";

test("the portal shows real community content", async ({ page }) => {
  await page.goto("/");
  await pageReady(page);
  await expect(page.getByRole("heading", { name: "Latest discussions" })).toBeVisible();
  const threads = page.locator(".thread-list .thread-row");
  expect(await threads.count()).toBeGreaterThan(0);
  await expect(page.getByRole("link", { name: "Share your experience" })).toBeVisible();
  // The happiness strip shows measured numbers (the demo data has CSAT answers this week).
  const strip = page.getByRole("region", { name: "Community at a glance" });
  await expect(strip).toContainText("questions solved");
  await expect(strip).toContainText(/\d\.\d \/ 5 satisfaction this week \(\d+ ratings?\)/);
  await page.screenshot({ path: `${ARTIFACTS}/portal-home.png`, fullPage: true });

  await page.getByRole("link", { name: "Billing & payments" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Billing & payments" })).toBeVisible();
  await page.locator(".thread-row__title").first().click();
  await expect(page.locator("ol.posts > li").first()).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/forum-thread.png`, fullPage: true });

  for (const [path, heading] of [["/stories", "Resolved stories"], ["/wall", "Gratitude wall"], ["/search?q=refund", "Search the community"]]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }
  await page.screenshot({ path: `${ARTIFACTS}/search.png`, fullPage: true });
});

test("an agent reaches the workspace inbox", async ({ page }) => {
  await signIn(page, "agent@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  const rows = page.locator("table.inbox tbody tr");
  expect(await rows.count()).toBeGreaterThan(0);
  await page.screenshot({ path: `${ARTIFACTS}/workspace.png`, fullPage: true });
  await rows.first().getByRole("link").click();
  await expect(page.locator("ol.messages li").first()).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/conversation.png`, fullPage: true });
});

test("marketing reaches the studio but not the workspace", async ({ page }) => {
  await signIn(page, "marketing@rapport.demo");
  await expect(page).toHaveURL(/\/studio$/);
  await expect(page.getByRole("heading", { name: "Marketing studio" })).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/studio.png`, fullPage: true });
  const response = await page.goto("/workspace");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access here" })).toBeVisible();
});

test("an admin reaches both staff areas", async ({ page }) => {
  await signIn(page, "admin@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await expect(page.getByRole("link", { name: "Studio" })).toBeVisible();
  await page.getByRole("link", { name: "Studio" }).click();
  await expect(page.getByRole("heading", { name: "Marketing studio" })).toBeVisible();
});

test("a customer is refused the staff areas", async ({ page }) => {
  await signUp(page, "Curious Customer", uniqueEmail("curious"));
  await expect(page).toHaveURL(/\/account$/);
  for (const path of ["/workspace", "/studio"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access here" })).toBeVisible();
  }
  await expect(page.locator("table.inbox")).toHaveCount(0);
  await page.screenshot({ path: `${ARTIFACTS}/refused.png`, fullPage: true });
});

test("signed-out visitors are asked to sign in and come back", async ({ page }) => {
  const response = await page.goto("/workspace");
  expect(response?.status()).toBe(401);
  await page.getByRole("link", { name: "Sign in" }).last().click();
  await expect(page).toHaveURL(/\/signin\?next=\/workspace$/);
  await pageReady(page);
  await page.getByLabel("Email").fill("agent@rapport.demo");
  await page.getByLabel("Password", { exact: true }).fill("rapport-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/workspace$/);
});

test("unknown pages get a friendly 404", async ({ page }) => {
  const response = await page.goto("/this/does/not/exist");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
});
