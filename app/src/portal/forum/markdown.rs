//! Posts are written in Markdown and shown as sanitized HTML: whatever a post contains, only
//! formatting survives — no scripts, event handlers, styles, frames or raw HTML; links get
//! `rel="nofollow ugc noopener noreferrer"`; images are dropped (no third-party tracking
//! pixels in a public forum). Rendered on the server only, so the WASM client stays small.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{html, Event, Options, Parser};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .rm_tags(["img"])
        .add_allowed_classes("code", ["language-rust", "language-json", "language-sh", "language-text"]);
    builder
});

pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    // Raw HTML in the source is shown as text, not dropped: the reader sees what was written.
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    SANITIZER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_survives() {
        let html = render("**bold** and `code`\n\n```rust\nfn main() {}\n```\n\n> quoted\n\n- item");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(html.contains("<pre><code class=\"language-rust\">fn main() {}"), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(html.contains("<li>item</li>"), "{html}");
    }

    #[test]
    fn links_are_marked_user_generated_and_unsafe_schemes_dropped() {
        let html = render("[site](https://example.com) [bad](javascript:alert(1))");
        assert!(html.contains(r#"<a href="https://example.com" rel="nofollow ugc noopener noreferrer">site</a>"#), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn hostile_html_is_inert_text() {
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<div style=\"position:fixed\" onclick=\"steal()\">x</div>",
            "[x](javascript:alert(1))",
            "![tracker](https://evil.example/pixel.gif)",
            "<svg><script>alert(1)</script></svg>",
        ] {
            let html = render(hostile);
            // Every tag left is a formatting tag without attributes, or a checked link.
            for tag in html.split('<').skip(1) {
                let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
                let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("");
                assert!(["p", "a", "em", "strong", "code", "pre", "br"].contains(&name), "{hostile} → {html}");
                assert!(name == "a" || !tag.contains('='), "{hostile} → {html}");
                assert!(!tag.contains("javascript") && !tag.contains("onerror") && !tag.contains("onclick"), "{hostile} → {html}");
            }
        }
        assert!(render("<script>alert(1)</script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
}
