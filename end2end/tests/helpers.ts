import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "rapport-demo-password";
export const ARTIFACTS = "artifacts";

/**
 * Waits until the page is interactive: hydrated by the WASM client, or, on public reading
 * pages (which ship no WASM), enhanced by /portal.js. Both mark <body>.
 */
export async function pageReady(page: Page) {
  await expect(page.locator("body[data-hydrated=true], body[data-enhanced=true]")).toHaveCount(1, {
    timeout: 15_000,
  });
}

/** Waits until the WASM client has hydrated the page (the frontend marks <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 15_000 });
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, next = "") {
  await page.goto(next ? `/signin?next=${encodeURIComponent(next)}` : "/signin");
  await pageReady(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Fills in and sends the sign-up form (callers check where it lands). */
export async function signUp(page: Page, name: string, email: string, password = "a long enough password") {
  await page.goto("/signup");
  await pageReady(page);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}
