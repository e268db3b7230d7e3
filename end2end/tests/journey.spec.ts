import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { ARTIFACTS, hydrated, signIn } from "./helpers";

/** An API token made with the real CLI against the test server's database. */
function apiToken(): string {
  const dataDir = process.env.RAPPORT_E2E_DATA!;
  const output = execFileSync("../target/debug/rapport", ["create-token", "--name", `e2e-journey-${Date.now()}`], {
    env: { ...process.env, RAPPORT_DATA_DIR: dataDir, RAPPORT_DATABASE_URL: `sqlite://${dataDir}/rapport.db`, RAPPORT_LOG: "warn" },
    encoding: "utf8",
  });
  return output.trim().split("\n").pop()!.trim();
}

/** The scheduler runs every 5 seconds in the server: reload until the panel shows `text`. */
async function untilJourneyShows(page: Page, text: string | RegExp) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("region", { name: "Recovery journey", exact: true })).toContainText(text, { timeout: 1_000 });
  }).toPass({ timeout: 20_000, intervals: [1_000] });
}

test("an angry message starts a journey; the agent signs it, the apology goes out, a happy reply heals it", async ({ page, request }) => {
  test.setTimeout(90_000);
  const headers = { Authorization: `Bearer ${apiToken()}` };
  const stamp = Date.now();
  const customer = await request.post("/api/v1/customers", { headers, data: { external_ref: `journey-${stamp}`, name: "Jo Journey" } });
  expect(customer.status()).toBe(201);
  const angry = await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `journey-angry-${stamp}`, customer_ref: `journey-${stamp}`, subject: `Charged twice ${stamp}`,
      channel: "email", direction: "inbound",
      body: "This is unacceptable! I am furious. This is the third time I'm asking. Cancel my subscription or I'll post this everywhere.",
    },
  });
  expect(angry.status()).toBe(201);
  const conversationId = (await angry.json()).conversation_id;

  await signIn(page, "agent@rapport.demo", undefined, `/workspace/c/${conversationId}`);
  await expect(page).toHaveURL(new RegExp(`/workspace/c/${conversationId}$`));
  const journey = page.getByRole("region", { name: "Recovery journey", exact: true });
  await expect(journey).toContainText("active");
  // Nobody signs an apology for us: the first step waits for an agent's name.
  await untilJourneyShows(page, "{agent_name} has no value");
  await expect(journey.locator(".journey__step").first()).toContainText("waiting for you");

  await hydrated(page);
  await page.getByLabel("What changed").fill("We refunded the duplicate charge and fixed the billing rule behind it.");
  await page.getByLabel("Signed by").fill("Sam Agent");
  await journey.getByRole("button", { name: "Save" }).click();
  await untilJourneyShows(page, /Step 1 · email · sent/);
  await expect(journey.locator(".journey__step").first()).toContainText("I'm sorry about “Charged twice");
  await expect(journey.locator(".journey__step").first()).toContainText("— Sam Agent");
  await expect(journey.locator(".journey__step").nth(1)).toContainText("due ");
  await page.screenshot({ path: `${ARTIFACTS}/journey.png`, fullPage: true });

  const happy = await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `journey-happy-${stamp}`, customer_ref: `journey-${stamp}`, conversation_id: conversationId,
      channel: "email", direction: "inbound",
      body: "Thank you so much, that's wonderful! The refund arrived and I really appreciate how kindly you handled it.",
    },
  });
  expect(happy.status()).toBe(201);
  await untilJourneyShows(page, "healed");
  await expect(journey).toContainText("a positive reply");
  await expect(journey.locator(".journey__step").nth(1)).toContainText("skipped");
  await expect(journey.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Start recovery journey" })).toBeVisible();

  // The KPI page counts it: a healed journey with a time to heal, also in the CSV.
  await page.getByRole("link", { name: "KPIs" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Recovery journey KPIs" })).toBeVisible();
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/days=7$/);
  const healedCell = page.getByRole("row", { name: /^Healed/ }).getByRole("cell");
  expect(Number(await healedCell.textContent())).toBeGreaterThanOrEqual(1);
  await expect(page.getByRole("row", { name: /Time to heal, median/ })).not.toContainText("no data yet");
  await expect(page.getByRole("img", { name: "Journey outcomes" })).toBeVisible();
  const csv = decodeURIComponent((await page.getByRole("link", { name: "Download as CSV" }).getAttribute("href"))!.split(",").slice(1).join(","));
  expect(csv.split("\n")[0]).toContain("trust_restoration_rate");
  await page.screenshot({ path: `${ARTIFACTS}/journey-kpis.png`, fullPage: true });
});

test("an agent starts a journey by hand when the score missed a disappointment", async ({ page, request }) => {
  const headers = { Authorization: `Bearer ${apiToken()}` };
  const stamp = Date.now();
  await request.post("/api/v1/customers", { headers, data: { external_ref: `quiet-${stamp}`, name: "Quinn Quiet" } });
  const quiet = await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `quiet-${stamp}`, customer_ref: `quiet-${stamp}`, subject: `Order arrived late ${stamp}`,
      channel: "email", direction: "inbound", body: "The order came a week late. It's fine I guess.",
    },
  });
  expect(quiet.status()).toBe(201);
  const conversationId = (await quiet.json()).conversation_id;
  await signIn(page, "agent@rapport.demo", undefined, `/workspace/c/${conversationId}`);
  await expect(page).toHaveURL(new RegExp(`/workspace/c/${conversationId}$`));
  const panel = page.getByRole("region", { name: "Recovery journey", exact: true });
  await expect(panel).toContainText("Apology now, an update after 3 days");
  await hydrated(page);
  await panel.getByRole("button", { name: "Start recovery journey" }).click();
  await expect(panel.locator(".journey__step")).toHaveCount(3);
  await expect(panel).toContainText("active");
  await expect(panel.getByRole("button", { name: "Start recovery journey" })).toHaveCount(0);
});
