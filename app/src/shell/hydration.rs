//! Which pages load the WASM client.
//!
//! Public reading pages (portal home, forum, threads, profiles, stories, wall, search) are
//! complete as server-rendered HTML: every action on them is a plain form that works without
//! JavaScript. They ship no WASM at all, only `/portal.js` (a few hundred bytes of progressive
//! enhancement: the small-screen menu and the live story ticker). Everything else — sign-in,
//! the workspace, the studio — hydrates and routes on the client.

/// True when the page at `path` loads and hydrates the WASM client.
pub fn page_hydrates(path: &str) -> bool {
    !is_public_reading_page(path)
}

fn is_public_reading_page(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    matches!(path, "" | "/forum" | "/stories" | "/wall" | "/search")
        || ["/forum/c/", "/forum/t/", "/u/", "/stories/", "/embed/"].iter().any(|prefix| path.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::page_hydrates;

    #[test]
    fn public_reading_pages_ship_no_wasm() {
        for path in [
            "/",
            "/forum",
            "/forum/",
            "/forum/c/billing",
            "/forum/t/42",
            "/u/7",
            "/stories",
            "/stories/12",
            "/wall",
            "/search",
            "/embed/wall",
        ] {
            assert!(!page_hydrates(path), "{path} should not hydrate");
        }
    }

    #[test]
    fn interactive_pages_hydrate() {
        for path in [
            "/signin",
            "/signup",
            "/account",
            "/forum/new",
            "/forum/moderation",
            "/workspace",
            "/workspace/c/3",
            "/studio",
            "/studio/journeys",
            "/studio/stories/3",
            "/consent/abc",
            "/forumx",
            "/wallpaper",
        ] {
            assert!(page_hydrates(path), "{path} should hydrate");
        }
    }
}
