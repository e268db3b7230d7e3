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
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await page.getByLabel("Email").fill("agent@rapport.demo");
  await page.getByLabel("Password", { exact: true }).fill("rapport-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/workspace$/);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});
