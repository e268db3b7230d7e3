import { expect, test, type Browser, type Page } from "@playwright/test";
import { ARTIFACTS, pageReady, signIn, signUp, uniqueEmail } from "./helpers";

async function signUpMember(page: Page, name: string) {
  const email = uniqueEmail(name.split(" ")[0].toLowerCase());
  await signUp(page, name, email);
  await expect(page).toHaveURL(/\/account$/);
  return email;
}

async function newMember(browser: Browser, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUpMember(page, name);
  return page;
}

test("members ask, answer, react and accept; hostile Markdown stays inert; search finds it", async ({ browser }) => {
  const word = `zq${Date.now().toString(36)}`;
  const asker = await newMember(browser, "Asha Asker");
  let alerted = false;
  asker.on("dialog", async (dialog) => { alerted = true; await dialog.dismiss(); });

  await asker.goto("/forum/c/billing");
  await pageReady(asker);
  await asker.getByRole("link", { name: "New thread" }).click();
  await expect(asker.getByRole("heading", { name: "Start a thread" })).toBeVisible();
  await pageReady(asker);
  await expect(asker.getByLabel("Category")).toHaveValue("billing");
  // Long enough for the browser's own check (minlength), too short once trimmed: the server says why.
  await asker.getByLabel("Title").fill("   Hi      ");
  await asker.getByLabel(/^Details/).fill("Too short a title.");
  await asker.getByRole("button", { name: "Post thread" }).click();
  await expect(asker.getByRole("alert")).toContainText("The title is too short: at least 8 characters");

  await asker.getByLabel("Title").fill(`Invoice ${word} shows the wrong plan`);
  await asker.getByLabel(/^Details/).fill(
    `My **${word}** invoice is wrong.\n\n<script>alert("xss")</script>\n\n<img src=x onerror="alert(1)">\n\n[click me](javascript:alert(2))`,
  );
  await asker.getByRole("button", { name: "Post thread" }).click();
  await expect(asker).toHaveURL(/\/forum\/t\/\d+$/);
  const threadUrl = asker.url();
  await expect(asker.getByRole("heading", { level: 1 })).toHaveText(`Invoice ${word} shows the wrong plan`);
  const firstPost = asker.locator("ol.posts > li").first();
  await expect(firstPost.locator("strong")).toHaveText(word);
  await expect(firstPost).toContainText('<script>alert("xss")</script>');
  expect(await firstPost.locator("script, img, [onerror]").count()).toBe(0);
  expect(await firstPost.locator('a[href^="javascript"]').count()).toBe(0);

  const helper = await newMember(browser, "Hugo Helper");
  await helper.goto(threadUrl);
  await pageReady(helper);
  await helper.getByLabel(/^Reply/).fill(`Open **Billing → Plan** and press *Correct invoice*; see [the guide](https://example.com/guide) for ${word}.`);
  await helper.getByRole("button", { name: "Post reply" }).click();
  const answer = helper.locator("ol.posts > li").nth(1);
  await expect(answer).toContainText("Correct invoice");
  await expect(answer.getByRole("link", { name: "the guide" })).toHaveAttribute("rel", "nofollow ugc noopener noreferrer");
  await expect(helper.getByRole("button", { name: "Accept as answer" })).toHaveCount(0);

  await asker.reload();
  await pageReady(asker);
  const answerForAsker = asker.locator("ol.posts > li").nth(1);
  await answerForAsker.getByRole("button", { name: /Helped me/ }).click();
  await expect(answerForAsker.getByRole("button", { name: /Helped me/ })).toHaveAttribute("aria-pressed", "true");
  await expect(answerForAsker.locator(".reaction__count").first()).toHaveText("1");
  await answerForAsker.getByRole("button", { name: "Accept as answer" }).click();
  await expect(asker.locator(".meta .badge--solved")).toHaveText("Solved");
  await expect(answerForAsker.getByText("✓ Accepted answer")).toBeVisible();
  await asker.screenshot({ path: `${ARTIFACTS}/forum-thread.png`, fullPage: true });

  // What search engines and link previews read: a description, Open Graph tags, QAPage data.
  const html = await (await asker.request.get(threadUrl)).text();
  const head = html.slice(0, html.indexOf("</head>"));
  expect(head).toMatch(new RegExp(`<meta name="description" content="My ${word} invoice is wrong\\. `));
  expect(head).toContain(`<meta property="og:title" content="Invoice ${word} shows the wrong plan"`);
  expect(head.match(/<meta name="description"/g)).toHaveLength(1);
  const structured = JSON.parse((await asker.locator('script[type="application/ld+json"]').textContent()) ?? "{}");
  expect(structured["@type"]).toBe("QAPage");
  expect(structured.mainEntity.name).toBe(`Invoice ${word} shows the wrong plan`);
  expect(structured.mainEntity.acceptedAnswer.text).toContain("Correct invoice");

  await asker.getByRole("link", { name: "Quote" }).nth(1).click();
  await expect(asker.getByLabel(/^Reply/)).toHaveValue(/^> \*\*Hugo Helper\*\* wrote:/);

  // The helper's profile shows the recognition earned from this.
  await answerForAsker.getByRole("link", { name: "Hugo Helper" }).click();
  await expect(asker.getByRole("heading", { level: 1 })).toContainText("Hugo Helper");
  await expect(asker.getByText("Problem solver")).toBeVisible();

  await asker.goto(`/search?q=${word}&solved=1`);
  await pageReady(asker);
  const hits = asker.locator(".search-hit");
  await expect(hits.first()).toBeVisible();
  await expect(hits.first().locator("mark").first()).toHaveText(word);
  await asker.screenshot({ path: `${ARTIFACTS}/forum-search.png`, fullPage: true });
  expect(alerted).toBe(false);
});

test("a forum question reaches the inbox; the agent's reply is posted publicly as staff; staff lock the thread", async ({ browser }) => {
  const word = `team${Date.now().toString(36)}`;
  const member = await newMember(browser, "Mia Member");
  await member.goto("/forum/new?category=getting-started");
  await pageReady(member);
  await member.getByLabel("Title").fill(`How do I invite my ${word}?`);
  await member.getByLabel(/^Details/).fill("I can't find the invite button and I'm getting frustrated.");
  await member.getByRole("button", { name: "Post thread" }).click();
  await expect(member).toHaveURL(/\/forum\/t\/\d+$/);
  const threadUrl = member.url();

  const agent = await (await browser.newContext()).newPage();
  await signIn(agent, "agent@rapport.demo", undefined, threadUrl.replace(/^https?:\/\/[^/]+/, ""));
  await expect(agent).toHaveURL(threadUrl);

  // The question is a forum conversation in the inbox, scored like any message.
  await agent.goto(`/workspace?q=${word}`);
  const row = agent.locator("table.inbox tbody tr").first();
  await expect(row.locator(".inbox__subject")).toHaveText(`How do I invite my ${word}?`);
  await expect(row).toContainText("forum");
  await row.locator(".inbox__subject").click();
  await pageReady(agent);
  await agent.getByLabel("Your reply").fill("Settings → Team → Invite. Sorry it was hard to find!");
  await expect(agent.getByRole("region", { name: "How this reads in public" })).toContainText("Settings → Team → Invite");
  await agent.getByRole("button", { name: "Send reply" }).click();
  await expect(agent.locator("ol.messages li").last()).toContainText("Settings → Team → Invite");

  await agent.goto(threadUrl);
  await pageReady(agent);
  const staffPost = agent.locator("ol.posts > li").nth(1);
  await expect(staffPost).toContainText("Settings → Team → Invite");
  await expect(staffPost.locator(".badge--staff")).toHaveText("Staff");
  await agent.getByRole("button", { name: "Lock" }).click();
  await expect(agent.locator(".meta .badge--locked")).toHaveText("Locked");

  await member.reload();
  await expect(member.getByText("This thread is locked: it takes no new replies.")).toBeVisible();
});
