// Progressive enhancement for the public portal, which ships no WASM.
// Without JavaScript every portal page still reads and every form still posts; with it, the
// small-screen menu opens and resolved stories appear and disappear live.

const menuToggle = document.querySelector(".menu-toggle");
const siteNav = document.getElementById("site-nav");
if (menuToggle && siteNav) {
  menuToggle.addEventListener("click", () => {
    const open = siteNav.classList.toggle("site-nav--open");
    menuToggle.setAttribute("aria-expanded", open ? "true" : "false");
    menuToggle.textContent = open ? "Close menu" : "Menu";
  });
}

// Live stories: containers marked data-live-stories="ticker" (the newest few) or "list".
const containers = [...document.querySelectorAll("[data-live-stories]")];
const watched = document.querySelectorAll("[data-story-id], [data-quote-id]");

function cardElement(card, site) {
  const item = document.createElement("li");
  item.className = card.featured ? "story-card story-card--featured" : "story-card";
  item.dataset.storyId = String(card.id);
  const link = document.createElement("a");
  link.href = `${site}/stories/${card.id}`;
  link.textContent = card.title;
  if (site) { link.target = "_blank"; link.rel = "noopener"; }
  const heading = document.createElement("h3");
  heading.append(link);
  if (card.featured) {
    const badge = document.createElement("span");
    badge.className = "badge badge--featured";
    badge.textContent = "Featured";
    heading.append(" ", badge);
  }
  const excerpt = document.createElement("p");
  excerpt.textContent = card.excerpt;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `Shared by ${card.told_by}`;
  item.append(heading, excerpt, meta);
  return item;
}

function refreshEmptiness(container) {
  const empty = container.children.length === 0;
  const section = container.closest("[data-live-section]");
  if (section) section.hidden = empty;
  const note = container.parentElement?.querySelector("[data-live-empty]");
  if (note) note.hidden = !empty;
}

function limitOf(container) {
  return container.dataset.liveStories === "ticker" ? Number(container.dataset.limit || 5) : Infinity;
}

function showCard(card, { update = true } = {}) {
  for (const container of containers) {
    const element = cardElement(card, container.dataset.site || "");
    const existing = container.querySelector(`[data-story-id="${card.id}"]`);
    if (existing) {
      if (update) existing.replaceWith(element);
    } else {
      container.prepend(element);
      while (container.children.length > limitOf(container)) container.lastElementChild.remove();
    }
    refreshEmptiness(container);
  }
  document.body.dataset.liveStory = String(card.id);
}

function removeStory(id) {
  for (const element of document.querySelectorAll(`[data-story-id="${id}"]`)) {
    if (element.matches("[data-story-page]")) {
      element.replaceChildren();
      const notice = document.createElement("p");
      notice.className = "notice notice--info";
      notice.setAttribute("role", "status");
      notice.textContent = "This story is no longer shared: its author withdrew it.";
      element.append(notice);
      element.removeAttribute("data-story-id");
    } else {
      element.remove();
    }
  }
  containers.forEach(refreshEmptiness);
}

function removeQuote(id) {
  for (const element of document.querySelectorAll(`[data-quote-id="${id}"]`)) element.remove();
}

function applySnapshot({ ids, quote_ids: quoteIds = [], cards }) {
  const onWall = new Set(quoteIds);
  for (const element of document.querySelectorAll("[data-quote-id]")) {
    if (!onWall.has(Number(element.dataset.quoteId))) element.remove();
  }
  const live = new Set(ids);
  for (const element of document.querySelectorAll("[data-story-id]")) {
    const id = Number(element.dataset.storyId);
    if (!live.has(id)) removeStory(id);
  }
  for (const container of containers) {
    if (container.dataset.liveStories === "ticker") {
      const site = container.dataset.site || "";
      container.replaceChildren(...cards.slice(0, limitOf(container)).map((card) => cardElement(card, site)));
      refreshEmptiness(container);
    }
  }
  for (const card of [...cards].reverse()) showCard(card, { update: false });
}

if ((containers.length || watched.length) && "EventSource" in window) {
  const source = new EventSource("/api/live/stories");
  source.addEventListener("snapshot", (event) => {
    applySnapshot(JSON.parse(event.data));
    document.body.dataset.liveStories = "connected";
  });
  source.addEventListener("story", (event) => showCard(JSON.parse(event.data)));
  source.addEventListener("removed", (event) => removeStory(JSON.parse(event.data).id));
  source.addEventListener("quote-removed", (event) => removeQuote(JSON.parse(event.data).id));
  // EventSource reconnects by itself; the new connection starts with a fresh snapshot.
  source.addEventListener("error", () => { document.body.dataset.liveStories = "reconnecting"; });
}

// Ripple measurement: first-party, and nothing at all when the browser asks not to be tracked.
const doNotTrack = navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true;

function beacon(payload, onUnload = false) {
  const body = JSON.stringify(payload);
  if (onUnload && navigator.sendBeacon) {
    navigator.sendBeacon("/api/ripple", new Blob([body], { type: "text/plain" }));
  } else {
    fetch("/api/ripple", { method: "POST", body, keepalive: true, headers: { "content-type": "application/json" } }).catch(() => {});
  }
}

if (!doNotTrack && "IntersectionObserver" in window) {
  const seen = new Set();
  const pending = new Set();
  let flushTimer = 0;
  const flush = () => {
    flushTimer = 0;
    if (pending.size) beacon({ story_ids: [...pending].slice(0, 20), kind: "impression" });
    pending.clear();
  };
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const id = Number(entry.target.dataset.storyId);
      if (entry.isIntersecting && id && !seen.has(id)) {
        seen.add(id);
        pending.add(id);
        flushTimer ||= setTimeout(flush, 1000);
      }
    }
  }, { threshold: 0.5 });
  const observeAll = () => document.querySelectorAll("[data-story-id]").forEach((element) => observer.observe(element));
  observeAll();
  new MutationObserver(observeAll).observe(document.body, { childList: true, subtree: true });

  document.addEventListener("click", (event) => {
    // A card's link leads to the story; a link in a story's "What next" leads onward.
    const card = event.target.closest?.("[data-story-id]:not([data-story-page]) a");
    const onward = event.target.closest?.("[data-story-onward] a");
    const id = Number((card || onward)?.closest("[data-story-id]")?.dataset.storyId);
    if (id) beacon({ story_ids: [id], kind: card ? "click" : "onward" }, true);
  });

  const storyPage = document.querySelector("[data-story-page][data-story-id]");
  if (storyPage) {
    // First-party, a day long, only the story's number: a sign-up right after is credited to it
    // (see LAST_STORY_COOKIE in app/src/stories/ripple_api.rs).
    document.cookie = `rapport_last_story=${Number(storyPage.dataset.storyId)}; path=/; max-age=86400; samesite=lax`;
    let visibleSince = document.visibilityState === "visible" ? Date.now() : 0;
    let dwell = 0;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") visibleSince = Date.now();
      else if (visibleSince) { dwell += Date.now() - visibleSince; visibleSince = 0; }
    });
    window.addEventListener("pagehide", () => {
      if (visibleSince) dwell += Date.now() - visibleSince;
      const id = Number(storyPage.dataset.storyId);
      if (id && dwell > 0) beacon({ story_ids: [id], kind: "dwell", dwell_ms: Math.min(dwell, 3_600_000) }, true);
    });
  }
}

document.body.dataset.enhanced = "true";
