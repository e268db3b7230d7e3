import { expect, test } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { ARTIFACTS, hydrated, pageReady } from "./helpers";

// The whole mail loop against real mail software: a Rapport server of its own (SQLite) with
// its SMTP receiver, sending through a real SMTP server (smtp-server) and receiving from a
// real client (nodemailer). An email arrives → it is live in the inbox with its score → the
// agent replies with the tone check → the reply reaches the SMTP server threaded under the
// customer's mail → the customer's answer lands in the same conversation → resolve with a
// rating request → the rating link is clicked in the browser → the rating shows in the
// conversation and in the satisfaction figure.

const PASSWORD = "mail-loop-agent-password";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The team's outgoing mail server: keeps every mail it is given. */
async function mailServer(): Promise<{ port: number; mails: ParsedMail[]; close: () => void }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => { mails.push(mail); done(); }, done);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, mails, close: () => server.close() };
}

test("an email comes in, is answered, answered back, resolved and rated, all by mail", async ({ page }) => {
  test.setTimeout(90_000);
  const outgoing = await mailServer();
  const [httpPort, inboundPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${httpPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), "rapport-e2e-mail-"));
  const env = {
    ...process.env,
    RAPPORT_BIND: `127.0.0.1:${httpPort}`,
    RAPPORT_DATA_DIR: dataDir,
    RAPPORT_DATABASE_URL: `sqlite://${dataDir}/rapport.db`,
    RAPPORT_SMTP_URL: `smtp://127.0.0.1:${outgoing.port}`,
    RAPPORT_MAIL_FROM: "Rapport Care <care@rapport.test>",
    RAPPORT_MAIL_SIGNATURE: "The Rapport Care team",
    RAPPORT_INBOUND_SMTP_BIND: `127.0.0.1:${inboundPort}`,
    RAPPORT_PUBLIC_URL: base,
    RAPPORT_AGENT_PASSWORD: PASSWORD,
    LEPTOS_SITE_ROOT: "../target/site",
    RAPPORT_LOG: "warn",
  };
  execFileSync("../target/debug/rapport", ["create-user", "--role", "agent", "--email", "mia@rapport.test", "--name", "Mia Agent", "--password-env", "RAPPORT_AGENT_PASSWORD"], { cwd: `${__dirname}/..`, env, stdio: "pipe" });
  const server: ChildProcess = spawn("../target/debug/rapport", ["serve"], { cwd: `${__dirname}/..`, env, stdio: "ignore" });
  const customer = nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true });
  try {
    await expect.poll(async () => {
      try { return (await fetch(`${base}/readyz`)).status; } catch { return 0; }
    }, { timeout: 30_000 }).toBe(200);

    await page.goto(`${base}/signin?next=/workspace`);
    await pageReady(page);
    await page.getByLabel("Email").fill("mia@rapport.test");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${base}/workspace`);
    await hydrated(page);

    // 1. Dana's angry mail arrives and shows up live, scored.
    const subject = `Charged twice ${Date.now()}`;
    const first = await customer.sendMail({
      from: "Dana Doe <dana@example.com>",
      to: "care@rapport.test",
      subject,
      text: "You charged me twice and nobody answers. This is unacceptable, I am furious.\n\n-- \nDana Doe",
    });
    const row = page.locator("table.inbox tbody tr").filter({ has: page.locator(".inbox__subject", { hasText: subject }) });
    await expect(row).toHaveCount(1, { timeout: 10_000 });
    await expect(row.locator(".risk")).toContainText(/medium|high|critical/);
    await page.screenshot({ path: `${ARTIFACTS}/mail-inbox.png` });

    // 2. The agent answers with the tone check; the reply leaves threaded under her mail.
    await row.locator(".inbox__subject").click();
    await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
    await hydrated(page);
    await expect(page.locator("ol.messages > li").first()).toContainText("This is unacceptable");
    await expect(page.locator("ol.messages > li").first()).not.toContainText("-- ");
    const reply = page.getByLabel("Your reply");
    await reply.pressSequentially("Calm down, it is refunded.");
    await expect(page.getByRole("complementary", { name: "Tone check" })).toContainText("Dismissive");
    await reply.fill("I'm so sorry, Dana, you are right to be upset. I have refunded the **second charge** today.");
    await expect(page.getByRole("complementary", { name: "Tone check" })).toContainText("reads well");
    await page.getByRole("button", { name: "Send reply" }).click();
    await expect(page.locator("ol.messages > li").last()).toContainText("refunded the");
    // The mail worker hands it over within seconds; the page hears of it live.
    await expect(page.locator("ol.messages > li").last().locator(".message__delivery")).toContainText("Sent", { timeout: 15_000 });
    expect(outgoing.mails).toHaveLength(1);
    const answer = outgoing.mails[0];
    expect(answer.inReplyTo).toBe(first.messageId);
    expect(answer.subject).toBe(`Re: ${subject}`);
    expect(answer.html).toContain("<strong>second charge</strong>");
    expect(answer.text).toContain("Mia Agent\nThe Rapport Care team");
    const replyTo = answer.replyTo!.value[0].address!;
    expect(replyTo).toMatch(/^care\+c\d+-[0-9a-f]{16}@rapport\.test$/);

    // 3. Dana answers from her mail client, quoting the reply: it lands in the same conversation.
    await customer.sendMail({
      from: "Dana Doe <dana@example.com>",
      to: replyTo,
      subject: `Re: ${subject}`,
      inReplyTo: answer.messageId,
      references: [first.messageId, answer.messageId],
      text: `Thank you so much, that was quick!\n\nOn Monday, Rapport Care wrote:\n> I have refunded the second charge today.`,
    });
    await page.reload();
    await hydrated(page);
    const last = page.locator("ol.messages > li").last();
    await expect(last).toContainText("Thank you so much, that was quick!");
    await expect(last).not.toContainText("refunded the second charge");
    await expect(page.locator("ol.messages > li")).toHaveCount(3);

    // 4. Resolve with a rating request: it goes out by mail with five links.
    await page.getByLabel("Resolution summary").fill("Refunded the duplicate charge.");
    await page.getByRole("button", { name: "Resolve" }).click();
    await expect(page.locator(".resolution")).toContainText("Refunded the duplicate charge");
    await expect.poll(() => outgoing.mails.length, { timeout: 10_000 }).toBe(2);
    const request = outgoing.mails[1];
    expect(request.subject).toBe(`How did we do? Re: ${subject}`);
    const links = [...request.text!.matchAll(/http:\/\/127\.0\.0\.1:\d+\/rate\/[0-9a-f-]+\/[1-5]/g)].map((m) => m[0]);
    expect(links).toHaveLength(5);

    // 5. She clicks "5" in her mail: no sign-in, a thank-you page with a comment box.
    const rater = await page.context().browser()!.newContext();
    const customerPage = await rater.newPage();
    await customerPage.goto(links[4]);
    await expect(customerPage.getByRole("heading", { name: "Thank you!" })).toBeVisible();
    await expect(customerPage.locator(".rating-page__given")).toContainText("5 — Very satisfied");
    await customerPage.getByLabel(/Anything you'd like to tell us/).fill("Mia was lovely.");
    await customerPage.getByRole("button", { name: "Send comment" }).click();
    await expect(customerPage.getByText("your comment reached the team")).toBeVisible();
    await customerPage.screenshot({ path: `${ARTIFACTS}/mail-rating-thanks.png`, fullPage: true });
    await rater.close();

    // 6. The rating is in the conversation and in the satisfaction figure.
    await page.reload();
    await hydrated(page);
    await expect(page.getByRole("complementary", { name: "Customer and actions" })).toContainText("rated 5 of 5");
    await page.screenshot({ path: `${ARTIFACTS}/mail-conversation.png`, fullPage: true });

    // 7. Both of her mails are on the received-mail page, each with what became of it.
    await page.goto(`${base}/workspace/mail`);
    const received = page.locator("table.received-mail__table tbody tr");
    await expect(received).toHaveCount(2);
    await expect(received.first()).toContainText("Messages");
    await expect(received.first()).toContainText("quoted history and signature were left out");
    await expect(page.getByRole("link", { name: "Messages (2)" })).toBeVisible();
    await page.screenshot({ path: `${ARTIFACTS}/mail-received.png`, fullPage: true });

    await expect.poll(async () => {
      await page.goto(`${base}/`);
      return await page.locator(".happiness-strip").textContent();
    }, { timeout: 15_000 }).toContain("5.0 / 5 satisfaction this week");
  } finally {
    customer.close();
    server.kill();
    outgoing.close();
  }
});
