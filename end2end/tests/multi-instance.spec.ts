import { expect, test, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { ARTIFACTS, DEMO_PASSWORD } from "./helpers";

// Two servers on one Postgres (see playwright.config.ts): a story unpublished and published
// again through instance A disappears and reappears live in a browser connected to instance B.
const pgPort = Number(process.env.RAPPORT_E2E_PG_PORT);
const instanceA = `http://127.0.0.1:${pgPort}`;
const instanceB = `http://127.0.0.1:${pgPort + 1}`;

// Both tests change the same story.
test.describe.configure({ mode: "serial" });

async function signInToStudio(studio: Page, storyId: string) {
  await studio.goto(`${instanceA}/signin?next=${encodeURIComponent(`/studio/stories/${storyId}`)}`);
  await expect(studio.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 15_000 });
  await studio.getByLabel("Email").fill("marketing@rapport.demo");
  await studio.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await studio.getByRole("button", { name: "Sign in" }).click();
  await expect(studio).toHaveURL(new RegExp(`/studio/stories/${storyId}$`));
  await expect(studio.locator("body[data-hydrated=true]")).toHaveCount(1, { timeout: 15_000 });
}

/** A third instance on the same Postgres, which this test can stop and start again. */
function startInstance(port: number): ChildProcess {
  return spawn("../target/debug/rapport", ["serve"], {
    cwd: `${__dirname}/..`,
    stdio: "ignore",
    env: {
      ...process.env,
      RAPPORT_BIND: `127.0.0.1:${port}`,
      RAPPORT_DATA_DIR: `${process.env.RAPPORT_E2E_PG_DATA}/instance-reconnect`,
      RAPPORT_DATABASE_URL: process.env.RAPPORT_E2E_PG_URL,
      RAPPORT_SESSION_SECRET: "e2e-multi-instance-secret-0123456789abcdef",
      LEPTOS_SITE_ROOT: "../target/site",
      RAPPORT_LOG: "warn",
    },
  });
}

async function ready(url: string) {
  await expect.poll(async () => {
    try { return (await fetch(`${url}/readyz`)).status; } catch { return 0; }
  }, { timeout: 30_000 }).toBe(200);
}

test("a story changed on one instance updates a browser connected to another instance", async ({ browser }) => {
  test.skip(!process.env.RAPPORT_E2E_PG_DB, "no Postgres database for the multi-instance test");
  const reader = await (await browser.newContext()).newPage();
  await reader.goto(`${instanceB}/stories`);
  await expect(reader.locator("body[data-live-stories=connected]")).toHaveCount(1, { timeout: 15_000 });
  const firstCard = reader.locator(".story-list [data-story-id]").first();
  const storyId = await firstCard.getAttribute("data-story-id");
  expect(storyId).toBeTruthy();

  const studio = await (await browser.newContext()).newPage();
  await signInToStudio(studio, storyId!);

  await studio.getByRole("button", { name: "Unpublish" }).click();
  await expect(studio.getByText(/State: consent granted — ready to publish/)).toBeVisible();
  await expect(reader.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 3_000 });

  await studio.getByRole("button", { name: "Publish" }).click();
  await expect(studio.getByText(/State: published/)).toBeVisible();
  await expect(reader.locator(`.story-list [data-story-id="${storyId}"]`)).toBeVisible({ timeout: 3_000 });
  await reader.screenshot({ path: `${ARTIFACTS}/multi-instance-reader.png`, fullPage: true });
});

test("a page whose live connection dropped catches up on what it missed when it reconnects", async ({ browser }) => {
  test.skip(!process.env.RAPPORT_E2E_PG_DB, "no Postgres database for the multi-instance test");
  test.setTimeout(90_000);
  const port = pgPort + 2;
  const instanceC = `http://127.0.0.1:${port}`;
  let server = startInstance(port);
  try {
    await ready(instanceC);
    const reader = await (await browser.newContext()).newPage();
    await reader.goto(`${instanceC}/stories`);
    await expect(reader.locator("body[data-live-stories=connected]")).toHaveCount(1, { timeout: 15_000 });
    const storyId = await reader.locator(".story-list [data-story-id]").first().getAttribute("data-story-id");
    expect(storyId).toBeTruthy();
    const studio = await (await browser.newContext()).newPage();
    await signInToStudio(studio, storyId!);

    // The reader's instance goes away: the page notices, and misses the change made meanwhile.
    server.kill("SIGKILL");
    await expect(reader.locator("body[data-live-stories=reconnecting]")).toHaveCount(1, { timeout: 10_000 });
    await studio.getByRole("button", { name: "Unpublish" }).click();
    await expect(studio.getByText(/State: consent granted — ready to publish/)).toBeVisible();
    await reader.waitForTimeout(1_500);
    await expect(reader.locator(`[data-story-id="${storyId}"]`)).toHaveCount(1);

    // It comes back: the browser reconnects by itself and the snapshot removes the story.
    const restarted = Date.now();
    server = startInstance(port);
    await ready(instanceC);
    await expect(reader.locator("body[data-live-stories=connected]")).toHaveCount(1, { timeout: 15_000 });
    await expect(reader.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 5_000 });
    console.log(`instance back → page caught up: ${Date.now() - restarted} ms (includes the server's start)`);

    // And live events flow again on the new connection.
    await studio.getByRole("button", { name: "Publish" }).click();
    await expect(studio.getByText(/State: published/)).toBeVisible();
    await expect(reader.locator(`.story-list [data-story-id="${storyId}"]`)).toBeVisible({ timeout: 3_000 });
  } finally {
    server.kill("SIGKILL");
  }
});
