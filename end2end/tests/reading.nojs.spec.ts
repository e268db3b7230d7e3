import { expect, test } from "@playwright/test";

// JavaScript is off in this project: pages must work as plain server-rendered HTML.

test("reading the portal works without JavaScript", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Latest discussions" })).toBeVisible();
  await page.locator(".thread-row__title").first().click();
  await expect(page.locator("ol.posts > li").first()).toBeVisible();
  await page.goto("/");
  await page.getByLabel("Search the community").fill("delivery");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search\?q=delivery/);
  await expect(page.getByRole("status")).toContainText("for “delivery”");
});

test("signing in works without JavaScript, and errors are shown", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill("agent@rapport.demo");
  await page.getByLabel("Password", { exact: true }).fill("wrong password here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/[?&]error=bad_credentials(&|$)/);
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await page.getByLabel("Email").fill("agent@rapport.demo");
  await page.getByLabel("Password", { exact: true }).fill("rapport-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/workspace$/);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});

test("posting a reply and reacting work without JavaScript", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Nora NoScript");
  await page.getByLabel("Email").fill(`nora-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.goto("/forum/c/billing?sort=unanswered");
  await expect(page.getByRole("link", { name: "Unanswered" })).toHaveAttribute("aria-current", "page");
  // Its own thread: other tests (in parallel) lock theirs.
  await page.goto("/forum/new?category=billing&kind=discussion");
  await page.getByLabel("Title").fill("Paying by bank transfer without JavaScript");
  await page.getByLabel(/^Details/).fill("Does anyone pay by *bank transfer*?");
  await page.getByRole("button", { name: "Post thread" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Paying by bank transfer without JavaScript");
  await expect(page.locator("ol.posts > li").first().locator("em")).toHaveText("bank transfer");
  await page.getByLabel(/^Reply/).fill("Same here — **thanks** for asking.");
  await page.getByRole("button", { name: "Post reply" }).click();
  const mine = page.locator("ol.posts > li").last();
  await expect(mine).toContainText("Same here");
  await expect(mine.locator("strong").last()).toHaveText("thanks");
  await mine.getByRole("button", { name: /Helped me/ }).click();
  await expect(page.locator("ol.posts > li").last().getByRole("button", { name: /Helped me/ })).toHaveAttribute("aria-pressed", "true");
});
