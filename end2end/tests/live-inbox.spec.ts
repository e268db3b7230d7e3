import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { ARTIFACTS, pageReady, signIn } from "./helpers";

/** An API token made with the real CLI against the test server's database. */
function apiToken(): string {
  const dataDir = process.env.RAPPORT_E2E_DATA!;
  const output = execFileSync("../target/debug/rapport", ["create-token", "--name", `e2e-${Date.now()}-${Math.random()}`], {
    env: { ...process.env, RAPPORT_DATA_DIR: dataDir, RAPPORT_DATABASE_URL: `sqlite://${dataDir}/rapport.db`, RAPPORT_LOG: "warn" },
    encoding: "utf8",
  });
  return output.trim().split("\n").pop()!.trim();
}

test("an angry message from the API tops the open inbox live; the agent answers and resolves it", async ({ page, request }) => {
  const token = apiToken();
  const headers = { Authorization: `Bearer ${token}` };
  const stamp = Date.now();
  const subject = `Charged twice again ${stamp}`;

  await signIn(page, "agent@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await pageReady(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  const customer = await request.post("/api/v1/customers", { headers, data: { external_ref: `e2e-${stamp}`, name: "Erin Example" } });
  expect(customer.status()).toBe(201);
  const message = await request.post("/api/v1/messages", {
    headers,
    data: {
      idempotency_key: `e2e-msg-${stamp}`,
      customer_ref: `e2e-${stamp}`,
      subject,
      channel: "email",
      direction: "inbound",
      body: "This is unacceptable! I am furious. This is the third time I'm asking. Cancel my subscription or I'll post this everywhere.",
    },
  });
  expect(message.status()).toBe(201);

  // No reload: the same document receives the event and refetches. Other tests running at the
  // same time may add critical conversations that waited longer (they rank first): what must
  // hold is that this one shows up, critical, with only critical conversations above it.
  const rows = page.locator("table.inbox tbody tr");
  const firstRow = rows.filter({ has: page.locator(".inbox__subject", { hasText: subject }) });
  await expect(firstRow).toHaveCount(1, { timeout: 10_000 });
  await expect(firstRow.locator(".risk")).toContainText("critical");
  await expect(firstRow.locator(".risk__reasons")).toContainText("cancelling or leaving");
  // Read as one snapshot: the list re-renders whenever another test's message arrives, and two
  // separate reads (subjects, then risks) once straddled such a re-render.
  await expect
    .poll(async () => {
      const list = await rows.evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector(".inbox__subject")?.textContent ?? "", tr.querySelector(".risk")?.textContent ?? ""]),
      );
      const position = list.findIndex(([text]) => text === subject);
      return position < 0 ? `not listed: ${subject}` : list.slice(0, position).filter(([, risk]) => !risk.includes("critical")).map(([text]) => `not critical above it: ${text}`).join("; ");
    }, { timeout: 10_000 })
    .toBe("");
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  await page.screenshot({ path: `${ARTIFACTS}/inbox-live.png`, fullPage: false });

  await firstRow.locator(".inbox__subject").click();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await pageReady(page);
  const evidence = page.locator("ol.messages mark.evidence");
  await expect(evidence.filter({ hasText: "unacceptable" })).toHaveCount(1);
  await expect(page.locator("ol.messages mark.evidence--intent").filter({ hasText: "Cancel my subscription" })).toHaveCount(1);
  await expect(page.locator(".guidance")).toContainText("acknowledge first");

  const reply = page.getByLabel("Your reply");
  const tone = page.getByRole("complementary", { name: "Tone check" });
  await reply.pressSequentially("Please calm down, the refund is coming.");
  await expect(tone).toContainText("Dismissive");
  await expect(tone).toContainText("No acknowledgement");
  await page.screenshot({ path: `${ARTIFACTS}/conversation-tone.png`, fullPage: true });
  await reply.fill("I'm so sorry, Erin — you're right, this should never have taken three messages. I've refunded the duplicate charge today and kept your subscription as it is.");
  await expect(tone).toContainText("reads well");
  await page.getByRole("button", { name: "Send reply" }).click();
  const sent = page.locator("ol.messages li").last();
  await expect(sent).toContainText("refunded the duplicate charge");
  // This test server has no mail transport: the reply says it did not reach Erin, and why.
  await expect(sent.locator(".message__delivery")).toContainText("Not delivered");
  await expect(sent.locator(".message__delivery")).toContainText("no mail transport");
  await expect(sent.getByRole("button", { name: "Send again" })).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/conversation-delivery.png`, fullPage: true });

  await page.getByLabel("Resolution summary").fill("Duplicate charge refunded; apologised for the repeat contacts.");
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.locator(".resolution")).toContainText("Duplicate charge refunded");
  await expect(page.locator("ol.messages li").last()).toContainText("How did we do?");
});

test("inbox filters narrow the list and keep their URL", async ({ page }) => {
  await signIn(page, "agent@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await pageReady(page);
  await page.getByLabel("Risk").selectOption("medium");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/risk=medium/);
  const badges = page.locator("table.inbox tbody .risk");
  await expect(badges.first()).toContainText("medium");
  for (const text of await badges.allTextContents()) expect(text).toContain("medium");
  await expect(page.getByRole("status")).toContainText("match");
});

test("the workspace works from the keyboard, with a shortcut overlay", async ({ page }) => {
  await signIn(page, "agent@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await pageReady(page);
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("assign the conversation to me");
  await page.screenshot({ path: `${ARTIFACTS}/shortcuts.png` });
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  const rows = page.locator("table.inbox tbody tr");
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveClass(/is-selected/);
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveClass(/is-selected/);
  const subject = (await rows.nth(0).locator(".inbox__subject").textContent())!.trim();
  await page.keyboard.press("o");
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await pageReady(page);
  await page.keyboard.press("r");
  await expect(page.getByLabel("Your reply")).toBeFocused();
  await page.keyboard.press("Escape");
  await page.keyboard.press("a");
  await expect(page.getByLabel("Assignee")).toHaveValue(/\d+/);
  await expect(page.getByLabel("Assignee").locator("option:checked")).toHaveText("Sam Agent");
  await page.keyboard.press("u");
  await expect(page).toHaveURL(/\/workspace$/);
});

test("an admin registers a webhook endpoint and sees its signing secret", async ({ page }) => {
  await signIn(page, "admin@rapport.demo");
  await expect(page).toHaveURL(/\/workspace$/);
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await pageReady(page);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByRole("alert")).toContainText("https://");
  const url = `https://example.com/hooks/${Date.now()}`;
  await page.getByLabel("Endpoint URL").fill(url);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const row = page.locator("table.webhooks tr", { hasText: url });
  await expect(row).toContainText("risk.raised");
  await expect(row.locator("code.secret")).not.toBeEmpty();
  await page.screenshot({ path: `${ARTIFACTS}/webhooks.png`, fullPage: true });
});
