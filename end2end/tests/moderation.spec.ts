import { expect, test, type Browser } from "@playwright/test";
import { ARTIFACTS, pageReady, signIn, signUp, uniqueEmail } from "./helpers";

async function newMember(browser: Browser, name: string) {
  const page = await (await browser.newContext()).newPage();
  await signUp(page, name, uniqueEmail(name.split(" ")[0].toLowerCase()));
  await expect(page).toHaveURL(/\/account$/);
  return page;
}

test("a member flags a reply; a moderator sees the reason in the queue and hides it for everyone", async ({ browser }) => {
  const word = `spam${Date.now().toString(36)}`;
  const asker = await newMember(browser, "Olga Owner");
  await asker.goto("/forum/new?category=getting-started");
  await pageReady(asker);
  await asker.getByLabel("Title").fill(`Where are the ${word} settings?`);
  await asker.getByLabel(/^Details/).fill("I looked everywhere in the app.");
  await asker.getByRole("button", { name: "Post thread" }).click();
  await expect(asker).toHaveURL(/\/forum\/t\/\d+$/);
  const threadPath = new URL(asker.url()).pathname;

  const spammer = await newMember(browser, "Sam Spammer");
  await spammer.goto(threadPath);
  await pageReady(spammer);
  await spammer.getByLabel(/^Reply/).fill(`Buy cheap ${word} followers at example.net!!!`);
  await spammer.getByRole("button", { name: "Post reply" }).click();
  await expect(spammer).toHaveURL(/#post-\d+$/);
  const reply = asker.locator("ol.posts > li").nth(1);
  await asker.reload();
  await pageReady(asker);
  await expect(reply).toContainText("cheap");

  await reply.locator("summary", { hasText: "Flag" }).click();
  await reply.getByLabel("What is wrong with this post?").fill("Advertising, not an answer");
  await reply.getByRole("button", { name: "Send to moderators" }).click();
  await expect(asker).toHaveURL(/flagged=\d+/);

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent, "agent@rapport.demo", undefined, "/forum/moderation");
  await expect(agent).toHaveURL(/\/forum\/moderation$/);
  await expect(agent.getByRole("heading", { name: "Moderation queue" })).toBeVisible();
  await pageReady(agent);
  const item = agent.locator(".queue__item", { hasText: `cheap ${word}` });
  await expect(item).toContainText("Advertising, not an answer");
  await expect(item).toContainText("Olga Owner");
  await agent.screenshot({ path: `${ARTIFACTS}/moderation-queue.png`, fullPage: true });
  await item.getByRole("button", { name: "Hide post" }).click();
  await expect(agent).toHaveURL(/decided=\d+/);
  await expect(agent.locator(".queue__item", { hasText: `cheap ${word}` })).toHaveCount(0);

  await asker.reload();
  await expect(asker.locator("ol.posts")).not.toContainText("cheap");
  await expect(asker.locator("ol.posts > li")).toHaveCount(1);
});

test("the moderation queue is for staff only", async ({ browser }) => {
  const member = await newMember(browser, "Nina Nosy");
  const response = await member.goto("/forum/moderation");
  expect(response?.status()).toBe(403);
  const anonymous = await (await browser.newContext()).newPage();
  const refused = await anonymous.goto("/forum/moderation");
  expect(refused?.status()).toBe(401);
});
