import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD } from "./helpers";

// JavaScript is off: replying is a plain form post.

test("an agent replies without JavaScript, and an empty reply is refused", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill("agent@rapport.demo");
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/workspace$/);
  await page.locator("table.inbox tbody tr").nth(1).getByRole("link").click();
  const url = page.url();
  await page.getByRole("button", { name: "Send reply" }).click();
  // Without JavaScript the error comes back as a code in the address; the page shows our words for it.
  await expect(page).toHaveURL(/[?&]error=invalid\.body(&|$)/);
  await expect(page.getByRole("alert")).toHaveText("Write the text before sending, and keep it within the length allowed.");
  const text = `Thanks for bearing with us, the fix is live (${Date.now()}).`;
  await page.getByLabel("Your reply").fill(text);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page).toHaveURL(url.split("?")[0]);
  await expect(page.locator("ol.messages li").last()).toContainText(text);
});
