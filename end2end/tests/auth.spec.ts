import { expect, test } from "@playwright/test";
import { ARTIFACTS, pageReady, signIn, signUp, uniqueEmail } from "./helpers";

test("a customer signs up, signs out and signs in again", async ({ page }) => {
  const email = uniqueEmail("ana");
  await signUp(page, "Ana Playwright", email);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Hello, Ana Playwright" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Ana Playwright" })).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/account.png`, fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await signIn(page, email, "a long enough password");
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Hello, Ana Playwright" })).toBeVisible();
});

test("a wrong password shows one clear message", async ({ page }) => {
  await signIn(page, "agent@rapport.demo", "definitely not it");
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await expect(page).toHaveURL(/\/signin/);
});

test("sign-up errors name the problem", async ({ page }) => {
  await signUp(page, "Bo", uniqueEmail("bo"), "short");
  await expect(page.getByRole("alert")).toContainText("at least 10 characters");
});

test("the WASM client hydrates: a click is handled in the browser", async ({ page }) => {
  await page.goto("/signin");
  await pageReady(page);
  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Show password" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "Hide password" })).toHaveAttribute("aria-pressed", "true");
});

test("a customer downloads their data, then erases their account", async ({ page }) => {
  const email = uniqueEmail("erin");
  await signUp(page, "Erin Leaving", email);
  await expect(page).toHaveURL(/\/account$/);
  await pageReady(page);

  const yourData = page.getByRole("region", { name: "Your data" });
  const download = page.waitForEvent("download");
  await yourData.getByRole("link", { name: "Download all your data" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("rapport-my-data.json");
  const exported = JSON.parse(require("node:fs").readFileSync(await file.path(), "utf8"));
  expect(exported.account_email).toBe(email);
  expect(exported.profile.name).toBe("Erin Leaving");

  await yourData.getByText("Delete my account", { exact: true }).click();
  await yourData.getByLabel(/Type your email address/).fill("not-me@example.com");
  await yourData.getByRole("button", { name: "Delete my account for good" }).click();
  await expect(page.getByRole("alert")).toContainText("type your email address");
  await yourData.getByLabel(/Type your email address/).fill(email);
  await page.screenshot({ path: `${ARTIFACTS}/account-erase.png`, fullPage: true });
  await yourData.getByRole("button", { name: "Delete my account for good" }).click();
  await expect(page.getByText("Your account and your data were erased.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await signIn(page, email, "a long enough password");
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
});
