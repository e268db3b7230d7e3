import { expect, test, type Browser, type Page } from "@playwright/test";
import { ARTIFACTS, pageReady, signIn, signUp, uniqueEmail } from "./helpers";

async function newContextPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

async function liveConnected(page: Page) {
  await pageReady(page);
  await expect(page.locator("body[data-live-stories=connected]")).toHaveCount(1, { timeout: 10_000 });
}

test("a story is published with consent, appears live on open portal pages, and disappears live when consent is withdrawn", async ({ browser }) => {
  test.setTimeout(90_000);
  const word = `parcel${Date.now().toString(36)}`;

  // A customer asks for help in the forum: that becomes a conversation in the inbox.
  const customer = await newContextPage(browser);
  customer.on("console", (message) => { if (message.type() === "error") console.log(`customer page console: ${message.text().slice(0, 400)}`); });
  await signUp(customer, "Dana Storyteller", uniqueEmail("dana"));
  await expect(customer).toHaveURL(/\/account$/);
  await customer.goto("/forum/new?category=getting-started");
  await pageReady(customer);
  await customer.getByLabel("Title").fill(`My ${word} arrived broken`);
  await customer.getByLabel(/^Details/).fill("The parcel came in pieces and I need it for Friday. Thank you for replacing it so quickly!");
  await customer.getByRole("button", { name: "Post thread" }).click();
  await expect(customer).toHaveURL(/\/forum\/t\/\d+$/);

  // Marketing (an admin here, who also sees the inbox) drafts a story from that conversation.
  const studio = await newContextPage(browser);
  await signIn(studio, "admin@rapport.demo", undefined, `/workspace?q=${word}`);
  const subject = studio.locator("table.inbox tbody tr .inbox__subject").first();
  await expect(subject).toHaveText(`My ${word} arrived broken`);
  const conversationId = (await subject.getAttribute("href"))!.match(/\/workspace\/c\/(\d+)/)![1];
  await studio.goto("/studio");
  await expect(studio.getByRole("heading", { name: "Resolved conversations that turned around" })).toBeVisible();
  await studio.screenshot({ path: `${ARTIFACTS}/studio-overview.png`, fullPage: true });
  await studio.goto(`/studio/stories/new?conversation=${conversationId}`);
  await pageReady(studio);
  await studio.getByLabel("Title").fill(`A broken ${word}, replaced by Friday`);
  await studio.getByLabel("The story").fill("Dana's parcel arrived in pieces days before she needed it, and she told us so plainly.");
  await studio.getByLabel("How it was resolved").fill("We sent a replacement by express the same afternoon.");
  await studio.getByLabel(/Thank you for replacing it so quickly!/).check();
  await studio.getByLabel("Name the customer as").selectOption("first_name_initial");
  await studio.getByRole("button", { name: "Save draft" }).click();
  await expect(studio).toHaveURL(/\/studio\/stories\/\d+$/);
  const storyId = studio.url().match(/\/studio\/stories\/(\d+)$/)![1];
  const preview = studio.getByRole("region", { name: "Preview, exactly as published" });
  await expect(preview).toContainText("Shared by Dana S.");
  await expect(studio.locator(".consent-text")).toContainText("In your words: “Thank you for replacing it so quickly!”");
  await expect(studio.getByRole("button", { name: "Publish" })).toHaveCount(0);
  await studio.getByRole("button", { name: "Ask for consent" }).click();
  await expect(studio.getByText(/State: waiting for consent · version 1/)).toBeVisible();
  await studio.screenshot({ path: `${ARTIFACTS}/story-editor.png`, fullPage: true });

  // The customer sees exactly what would be shown, and agrees.
  await customer.goto("/account");
  await pageReady(customer);
  const request = customer.locator(`#story-${storyId}`);
  await expect(request.locator(".consent-text")).toContainText(`A broken ${word}, replaced by Friday`);
  await expect(request.locator(".consent-text")).toContainText("Shown as: Dana S.");
  await request.getByRole("button", { name: "Yes, share it" }).click();
  await expect(customer.locator(`#story-${storyId}`)).toContainText("You agreed. The story is not published yet.");

  // Someone is reading the portal in another browser: the stories page, a search and the embed.
  const reader = await newContextPage(browser);
  await reader.goto("/stories");
  await liveConnected(reader);
  await expect(reader.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0);
  const embed = await reader.context().newPage();
  await embed.goto("/embed/stories");
  await liveConnected(embed);
  const home = await reader.context().newPage();
  await home.goto("/");
  await liveConnected(home);

  await studio.reload();
  await pageReady(studio);
  const publishedAt = Date.now();
  await studio.getByRole("button", { name: "Publish" }).click();
  await expect(studio.getByText(/State: published/)).toBeVisible();

  const liveCard = reader.locator(`.story-list [data-story-id="${storyId}"]`);
  await expect(liveCard).toContainText(`A broken ${word}, replaced by Friday`, { timeout: 3_000 });
  console.log(`published → shown live in the other browser: ${Date.now() - publishedAt} ms (includes the click's round trip)`);
  await expect(liveCard).toContainText("Shared by Dana S.");
  await expect(embed.locator(`[data-story-id="${storyId}"]`)).toBeVisible({ timeout: 3_000 });
  await expect(home.getByRole("region", { name: "Resolved just now" }).locator(`[data-story-id="${storyId}"]`)).toBeVisible({ timeout: 3_000 });
  await reader.screenshot({ path: `${ARTIFACTS}/stories-live.png`, fullPage: true });
  await home.screenshot({ path: `${ARTIFACTS}/portal-home-ticker.png`, fullPage: true });

  const search = await reader.context().newPage();
  await search.goto(`/search?q=${word}`);
  await liveConnected(search);
  await expect(search.getByRole("region", { name: "Resolved stories" }).locator(`[data-story-id="${storyId}"]`)).toBeVisible();
  const storyPage = await reader.context().newPage();
  await storyPage.goto(`/stories/${storyId}`);
  await liveConnected(storyPage);
  await expect(storyPage.getByRole("heading", { level: 1 })).toHaveText(`A broken ${word}, replaced by Friday`);
  await expect(storyPage.locator("blockquote")).toContainText("Thank you for replacing it so quickly!");
  // The Atom feed the stories page links to carries it too.
  const feedHref = await reader.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute("href");
  expect(feedHref).toBe("/stories/feed.xml");
  const feed = await reader.request.get(feedHref!);
  expect(feed.headers()["content-type"]).toContain("application/atom+xml");
  expect(await feed.text()).toContain(`/stories/${storyId}</id>`);

  // A signed-in reader reacts (a plain form: the story page ships no WASM).
  await customer.goto(`/stories/${storyId}`);
  await pageReady(customer);
  await customer.getByRole("button", { name: /This gave me hope · 0/ }).click();
  await expect(customer.getByRole("button", { name: /This gave me hope · 1/ })).toBeVisible();
  await studio.goto("/studio/ripple");
  await expect(studio.locator("table tbody tr", { hasText: `A broken ${word}, replaced by Friday` }).locator("td").nth(3)).toHaveText("1");

  // One click withdraws it: every open surface drops it without a reload.
  await customer.goto("/account");
  await pageReady(customer);
  const withdrawnAt = Date.now();
  await customer.locator(`#story-${storyId}`).getByRole("button", { name: "Withdraw my consent" }).click();
  await expect(customer.locator(`#story-${storyId}`)).toContainText("You withdrew your consent");
  await expect(reader.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 3_000 });
  console.log(`withdrawn → gone from the other browser: ${Date.now() - withdrawnAt} ms (includes the click's round trip)`);
  await expect(embed.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 3_000 });
  await expect(home.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 3_000 });
  await expect(search.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0, { timeout: 3_000 });
  await expect(storyPage.getByText("This story is no longer shared")).toBeVisible({ timeout: 3_000 });

  // And from fresh loads: the page, the search and the embed.
  expect((await reader.request.get(`/stories/${storyId}`)).status()).toBe(404);
  await search.reload();
  await expect(search.locator(`[data-story-id="${storyId}"]`)).toHaveCount(0);
  expect(await (await reader.request.get("/embed/stories")).text()).not.toContain(`data-story-id="${storyId}"`);
  expect(await (await reader.request.get("/stories/feed.xml")).text()).not.toContain(`/stories/${storyId}</id>`);
  await studio.goto(`/studio/stories/${storyId}`);
  await expect(studio.getByText(/State: consent withdrawn/)).toBeVisible();
  await expect(studio.getByRole("button", { name: "Publish" })).toHaveCount(0);

  // The ripple dashboard counted the views (first-party beacons from the open pages).
  await studio.goto("/studio/ripple");
  const rippleRow = studio.locator("table tbody tr", { hasText: `A broken ${word}, replaced by Friday` });
  await expect(rippleRow).toBeVisible();
  const impressions = Number(await rippleRow.locator("td").nth(1).textContent());
  expect(impressions).toBeGreaterThan(0);
  await studio.screenshot({ path: `${ARTIFACTS}/ripple.png`, fullPage: true });
  const csv = await studio.request.get("/studio/ripple.csv");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(`A broken ${word}, replaced by Friday`);
});

test("the gratitude wall says how quotes were chosen and marketing sees thank-you messages to propose", async ({ browser }) => {
  const reader = await newContextPage(browser);
  await reader.goto("/wall");
  await pageReady(reader);
  await expect(reader.locator(".wall__note")).toContainText(/of \d+ thank-you messages? (and positive survey comments |or positive survey comment )?in the last 30 days (is|are) shown, with consent/);
  await expect(reader.locator(".wall li[data-quote-id]").first()).toBeVisible();
  await reader.screenshot({ path: `${ARTIFACTS}/wall.png`, fullPage: true });
  const embed = await reader.request.get("/embed/wall");
  expect(embed.headers()["content-security-policy"]).toContain("frame-ancestors *");

  const studio = await newContextPage(browser);
  await signIn(studio, "marketing@rapport.demo", undefined, "/studio/quotes");
  await expect(studio.getByRole("heading", { name: "Gratitude quotes" })).toBeVisible();
  await expect(studio.locator("tr[data-studio-quote]").first()).toContainText("published");
  await studio.locator("tr[data-studio-quote]").first().getByText("HTML for recovery and transactional mail").click();
  await expect(studio.locator("tr[data-studio-quote]").first().locator("pre")).toContainText("shared with permission");
  // Warm satisfaction-survey comments are proposed beside thank-you messages.
  await expect(studio.locator('[data-quote-source^="csat:"]').first()).toContainText(/survey comment, rated [45] of 5/);
  // The page stays as wide as the screen, however long a snippet is.
  expect(await studio.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await studio.screenshot({ path: `${ARTIFACTS}/studio-quotes.png`, fullPage: true });
});

test("readers who go on from a story to the forum, and sign up after reading it, are counted for that story", async ({ browser }) => {
  test.setTimeout(60_000);
  const reader = await newContextPage(browser);
  await reader.goto("/stories");
  await pageReady(reader);
  const card = reader.locator(".story-list [data-story-id]").first();
  const storyId = await card.getAttribute("data-story-id");
  const title = (await card.locator("h3 a").textContent())!.trim();

  const studio = await newContextPage(browser);
  await signIn(studio, "marketing@rapport.demo", undefined, "/studio/ripple");
  await expect(studio).toHaveURL(/\/studio\/ripple$/);
  const counts = async () => {
    await studio.goto("/studio/ripple");
    const row = studio.locator("table tbody tr", { hasText: title });
    return { onward: Number(await row.locator("td").nth(5).textContent()), signups: Number(await row.locator("td").nth(6).textContent()) };
  };
  const before = await counts();

  await reader.goto(`/stories/${storyId}`);
  await pageReady(reader);
  const next = reader.getByRole("navigation", { name: "What next?" });
  await expect(next.getByRole("link")).toHaveCount(3);
  const lastStory = (await reader.context().cookies()).find((cookie) => cookie.name === "rapport_last_story");
  expect(lastStory?.value).toBe(storyId);
  await reader.screenshot({ path: `${ARTIFACTS}/story-what-next.png`, fullPage: true });
  await next.getByRole("link", { name: "Browse the forum: customers helping each other" }).click();
  await expect(reader).toHaveURL(/\/forum$/);

  await signUp(reader, "Robin Reader", uniqueEmail("robin"));
  await expect(reader).toHaveURL(/\/account$/);

  await expect.poll(counts, { timeout: 10_000 }).toEqual({ onward: before.onward + 1, signups: before.signups + 1 });
});
