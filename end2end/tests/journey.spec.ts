import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { ARTIFACTS, pageReady, signIn } from "./helpers";

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

  await pageReady(page);
  await page.getByLabel("What changed").fill("We refunded the duplicate charge and fixed the billing rule behind it.");
  await page.getByLabel("Signed by").fill("Sam Agent");
  await journey.getByRole("button", { name: "Save" }).click();
  await untilJourneyShows(page, /Step 1 · email · sent/);
  await expect(journey.locator(".journey__step").first()).toContainText("I'm sorry about “Charged twice");
  await expect(journey.locator(".journey__step").first()).toContainText("— Sam Agent");
  await expect(journey.locator(".journey__step").nth(1)).toContainText("due ");
  await page.screenshot({ path: `${ARTIFACTS}/journey.png`, fullPage: true });

  // The apology is in the outbox: no mail transport in this run, so it says why it was not sent.
  await page.getByRole("link", { name: "Outbox" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Outbox" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: `Re: Charged twice ${stamp}` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Jo Journey (no email address)");
  await expect(row).toContainText("not sent");
  await expect(row).toContainText("no mail transport");
  await expect(row).toContainText("— Sam Agent");
  await page.getByRole("link", { name: /^Not sent \(/ }).click();
  await expect(page).toHaveURL(/delivery=not_sent$/);
  await expect(page.getByRole("row").filter({ hasText: `Re: Charged twice ${stamp}` })).toHaveCount(1);
  await page.screenshot({ path: `${ARTIFACTS}/outbox.png`, fullPage: true });

  // Three days pass (the server's scheduler reads its clock offset from a file in this run):
  // the update with what changed goes out.
  writeFileSync(`${process.env.RAPPORT_E2E_DATA}/clock-offset-seconds`, String(3 * 24 * 3600 + 60));
  await page.goto(`/workspace/c/${conversationId}`);
  await untilJourneyShows(page, /Step 2 · email · sent/);
  await expect(journey.locator(".journey__step").nth(1)).toContainText("We refunded the duplicate charge");
  await expect(journey.locator(".journey__step").nth(2)).toContainText("due ");

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
  await expect(journey.locator(".journey__step").nth(2)).toContainText("skipped");
  await expect(journey.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Start recovery journey" })).toBeVisible();

  // The KPI page counts it: a healed journey with a time to heal, also in the CSV.
  await page.getByRole("link", { name: "KPIs" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Recovery journey KPIs" })).toBeVisible();
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/days=7$/);
  const healedCell = page.getByRole("row", { name: /^Healed/ }).getByRole("cell");
  expect(Number(await healedCell.textContent())).toBeGreaterThanOrEqual(1);
  await expect(page.getByRole("row", { name: /^Time to heal, median/ })).not.toContainText("no data yet");
  await expect(page.getByRole("img", { name: "Journey outcomes" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Sentiment rebound/ })).toContainText("after");
  await expect(page.getByRole("table", { name: "By channel, situation and agent" })).toContainText("channel: email");
  await expect(page.getByRole("region", { name: "Recovery paradox" })).toBeVisible();
  const csv = decodeURIComponent((await page.getByRole("link", { name: "Download as CSV" }).getAttribute("href"))!.split(",").slice(1).join(","));
  expect(csv.split("\n")[0]).toContain("trust_restoration_rate");
  expect(csv).toContain("dimension,group,started,healed");
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
  await pageReady(page);
  await panel.getByRole("button", { name: "Start recovery journey" }).click();
  await expect(panel.locator(".journey__step")).toHaveCount(3);
  await expect(panel).toContainText("active");
  await expect(panel.getByRole("button", { name: "Start recovery journey" })).toHaveCount(0);
});

test("marketing writes a template; an agent starts a journey from it, rewrites one step and skips another", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const name = `Payment failed, fast ${stamp}`;
  const studio = await browser.newPage();
  await signIn(studio, "marketing@rapport.demo", undefined, "/studio/journeys");
  await expect(studio.getByRole("heading", { level: 1, name: "Recovery journey templates" })).toBeVisible();
  const editor = studio.getByRole("region", { name: "New template" });
  await pageReady(studio);
  await editor.getByLabel("Name").fill(name);
  await editor.getByLabel("Step 1 text").fill("Hi {customer}, your payment failed.");
  await editor.getByRole("button", { name: "Create template" }).click();
  await expect(studio.getByText("Step 1: unknown placeholder {customer}")).toBeVisible();
  await editor.getByLabel("Step 1 text").fill("Hi {customer_name}, your payment for “{issue_summary}” did not go through. Here is a new link.");
  // Far enough ahead that the journey test's clock jump (3 days) does not send it meanwhile.
  await editor.getByLabel("Step 2 delay", { exact: true }).fill("30");
  await editor.getByLabel("Step 2 text").fill("Did the new link work, {customer_name}?");
  await editor.getByLabel("Step 2 delay unit").selectOption("days");
  await editor.getByRole("button", { name: "Create template" }).click();
  const saved = studio.getByRole("region", { name });
  await expect(saved).toBeVisible();
  await saved.getByText("Preview with sample values").click();
  await expect(saved).toContainText("after 30 days: Did the new link work, Dana?");
  await studio.screenshot({ path: `${ARTIFACTS}/journey-templates.png`, fullPage: true });

  const headers = { Authorization: `Bearer ${apiToken()}` };
  await request.post("/api/v1/customers", { headers, data: { external_ref: `pay-${stamp}`, name: "Pat Payment" } });
  const message = await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `pay-${stamp}`, customer_ref: `pay-${stamp}`, subject: `Card declined ${stamp}`,
      channel: "email", direction: "inbound", body: "My card was declined at checkout. Can you look?",
    },
  });
  const conversationId = (await message.json()).conversation_id;
  const page = await browser.newPage();
  await signIn(page, "agent@rapport.demo", undefined, `/workspace/c/${conversationId}`);
  const panel = page.getByRole("region", { name: "Recovery journey", exact: true });
  await pageReady(page);
  await panel.getByLabel("Template").selectOption({ label: name });
  await panel.getByRole("button", { name: "Start recovery journey" }).click();
  await expect(panel.locator(".journey__step")).toHaveCount(2);
  await expect(panel.locator(".journey__step").nth(1)).toContainText("Did the new link work, Pat Payment?");

  await panel.getByText("Edit step 2").click();
  await panel.getByLabel("Text of step 2").fill("Did the new link work? {nonsense}");
  await panel.getByRole("button", { name: "Save text" }).click();
  await expect(panel).toContainText("Step 2: unknown placeholder {nonsense}");
  await panel.getByLabel("Text of step 2").fill("Did the new link work, {customer_name}? Reply here and I'll check at once.");
  await panel.getByRole("button", { name: "Save text" }).click();
  await expect(panel.locator(".journey__step").nth(1)).toContainText("Reply here and I'll check at once.");
  await panel.getByRole("button", { name: "Skip step 2" }).click();
  await expect(panel.locator(".journey__step").nth(1)).toContainText("skipped");
  await expect(panel.getByRole("button", { name: "Skip step 2" })).toHaveCount(0);

  // Clean up: the template is not needed by other tests.
  await studio.reload();
  await studio.getByRole("region", { name }).getByRole("button", { name: "Delete template" }).click();
  await expect(studio.getByRole("region", { name })).toHaveCount(0);
});

test("coaching shows an agent the tone flags they sent and the mood after their replies; a lead sees the team", async ({ browser, request }) => {
  const headers = { Authorization: `Bearer ${apiToken()}` };
  const stamp = Date.now();
  await request.post("/api/v1/customers", { headers, data: { external_ref: `coach-${stamp}`, name: "Cory Coach" } });
  const upset = await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `coach-${stamp}`, customer_ref: `coach-${stamp}`, subject: `Late parcel ${stamp}`,
      channel: "email", direction: "inbound", body: "My parcel is two weeks late and nobody answers. I'm really disappointed.",
    },
  });
  const conversationId = (await upset.json()).conversation_id;
  const page = await browser.newPage();
  await signIn(page, "agent@rapport.demo", undefined, `/workspace/c/${conversationId}`);
  await pageReady(page);
  const reply = page.getByLabel("Your reply");
  await reply.pressSequentially("Please calm down, it is not a big deal.");
  await expect(page.getByRole("complementary", { name: "Tone check" })).toContainText("Dismissive");
  await reply.fill("");
  await reply.pressSequentially("I'm so sorry about the wait. I've asked the courier and will update you by 5 pm.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator(".messages")).toContainText("I've asked the courier");
  await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `coach-thanks-${stamp}`, customer_ref: `coach-${stamp}`, conversation_id: conversationId,
      channel: "email", direction: "inbound", body: "Thank you, that is really kind and helpful!",
    },
  });
  await page.getByRole("link", { name: "Coaching" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();
  await expect(page.getByRole("row", { name: /^Dismissive/ })).toBeVisible();
  const taken = page.getByRole("row", { name: /^Dismissive/ }).getByRole("cell").first();
  expect(Number(await taken.textContent())).toBeGreaterThanOrEqual(1);
  await expect(page.getByRole("img", { name: /mood lifted [1-9]/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Team" })).toHaveCount(0);
  await page.screenshot({ path: `${ARTIFACTS}/coaching.png`, fullPage: true });
  // Another agent's numbers are private.
  await page.goto("/workspace/coaching?days=30&agent=1");
  await expect(page.getByText("Coaching numbers are private")).toBeVisible();

  const lead = await browser.newPage();
  await signIn(lead, "admin@rapport.demo", undefined, "/workspace/coaching");
  await expect(lead.getByRole("heading", { name: "Team" })).toBeVisible();
  await expect(lead.getByRole("table").last()).toContainText("Sam Agent");
  await lead.screenshot({ path: `${ARTIFACTS}/coaching-lead.png`, fullPage: true });
});
