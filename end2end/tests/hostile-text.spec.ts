import { expect, test, type Browser } from "@playwright/test";
import { ARTIFACTS, pageReady, signIn, signUp, uniqueEmail } from "./helpers";

// Leptos 0.8 writes <title> and <textarea> content unescaped when it renders on the server;
// Rapport escapes both itself (app/src/shell/raw_text.rs). In a real browser the text must come
// back exactly as written — not as markup, and not as visible "&lt;" either.
const HOSTILE = `</textarea></title><b id="injected">bold</b> & "quotes" <script>window.injected = 1</script> <`;

async function newPage(browser: Browser) {
  const page = await (await browser.newContext()).newPage();
  page.on("dialog", async (dialog) => { await dialog.dismiss(); throw new Error(`a dialog opened: ${dialog.message()}`); });
  return page;
}

test("hostile text in a thread title and a story draft comes back exactly as written", async ({ browser }) => {
  test.setTimeout(60_000);
  const word = `tx${Date.now().toString(36)}`;
  const title = `Help ${word} ${HOSTILE}`.slice(0, 150);

  const member = await newPage(browser);
  await signUp(member, "Tess Textarea", uniqueEmail("tess"));
  await expect(member).toHaveURL(/\/account$/);
  await member.goto("/forum/new?category=billing");
  await pageReady(member);
  await member.getByLabel("Title").fill(title);
  await member.getByLabel(/^Details/).fill(`My invoice ${word} is wrong. Thank you for looking into it!`);
  await member.getByRole("button", { name: "Post thread" }).click();
  await expect(member).toHaveURL(/\/forum\/t\/\d+$/);
  await member.reload();
  await pageReady(member);
  expect(await member.title()).toBe(`${title} · Rapport`);
  await expect(member.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(member.locator("#injected")).toHaveCount(0);
  expect(await member.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();

  // The same text in the story editor's textareas, after a save and a fresh server render.
  const studio = await newPage(browser);
  await signIn(studio, "admin@rapport.demo", undefined, `/workspace?q=${word}`);
  const subject = studio.locator("table.inbox tbody tr .inbox__subject").first();
  await expect(subject).toBeVisible();
  const conversationId = (await subject.getAttribute("href"))!.match(/\/workspace\/c\/(\d+)/)![1];
  await studio.goto(`/studio/stories/new?conversation=${conversationId}`);
  await pageReady(studio);
  const narrative = `Tess wrote to us about ${word}. ${HOSTILE}`;
  const resolution = `We fixed the invoice the same day. ${HOSTILE}`;
  await studio.getByLabel("Title").fill(`An invoice ${word}, fixed`);
  await studio.getByLabel("The story").fill(narrative);
  await studio.getByLabel("How it was resolved").fill(resolution);
  await studio.getByRole("button", { name: "Save draft" }).click();
  await expect(studio).toHaveURL(/\/studio\/stories\/\d+$/);
  await studio.reload();
  await pageReady(studio);
  await expect(studio.getByLabel("The story")).toHaveValue(narrative);
  await expect(studio.getByLabel("How it was resolved")).toHaveValue(resolution);
  await expect(studio.locator("#injected")).toHaveCount(0);
  expect(await studio.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
  await studio.screenshot({ path: `${ARTIFACTS}/hostile-story-editor.png`, fullPage: true });
});
