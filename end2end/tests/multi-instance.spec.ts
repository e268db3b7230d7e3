import { expect, test } from "@playwright/test";
import { ARTIFACTS, DEMO_PASSWORD } from "./helpers";

// Two servers on one Postgres (see playwright.config.ts): a story unpublished and published
// again through instance A disappears and reappears live in a browser connected to instance B.
const pgPort = Number(process.env.RAPPORT_E2E_PG_PORT);
const instanceA = `http://127.0.0.1:${pgPort}`;
const instanceB = `http://127.0.0.1:${pgPort + 1}`;

test("a story changed on one instance updates a browser connected to another instance", async ({ browser }) => {
  test.skip(!process.env.RAPPORT_E2E_PG_DB, "no Postgres database for the multi-instance test");
  const reader = await (await browser.newContext()).newPage();
  await reader.goto(`${instanceB}/stories`);
  await expect(reader.locator("body[data-live-stories=connected]")).toHaveCount(1, { timeout: 15_000 });
  const firstCard = reader.locator(".story-list [data-story-id]").first();
  const storyId = await firstCard.getAttribute("data-story-id");
  expect(storyId).toBeTruthy();

  const studio = await (await browser.newContext()).newPage();
  await studio.goto(`${instanceA}/signin?next=${encodeURIComponent(`/studio/stories/${storyId}`)}`);
  await expect(studio.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 15_000 });
  await studio.getByLabel("Email").fill("marketing@rapport.demo");
  await studio.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await studio.getByRole("button", { name: "Sign in" }).click();
  await expect(studio).toHaveURL(new RegExp(`/studio/stories/${storyId}$`));
  await expect(studio.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 15_000 });

  await studio.getByRole("button", { name: "Unpublish" }).click();
  await expect(studio.getByText(/State: consent granted — ready to publish/)).toBeVisible();
  await expect(reader.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 3_000 });

  await studio.getByRole("button", { name: "Publish" }).click();
  await expect(studio.getByText(/State: published/)).toBeVisible();
  await expect(reader.locator(`.story-list [data-story-id="${storyId}"]`)).toBeVisible({ timeout: 3_000 });
  await reader.screenshot({ path: `${ARTIFACTS}/multi-instance-reader.png`, fullPage: true });
});
