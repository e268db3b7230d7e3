//! Property tests (proptest) over the inputs strangers control: forum Markdown, any text the
//! emotion engine reads, the API's JSON, quotes and story text. Whatever the input: no panic,
//! scores in range, and rendered HTML that carries no script, handler, style or unsafe link.

use proptest::prelude::*;

/// Fragments attackers and unlucky users send, mixed with arbitrary text by the strategies.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example>",
    "<div style=\"position:fixed\">",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "\"><script>",
    "'\"`<>&",
    "<<script>script>",
    "\u{202e}gnp.exe",
    "\u{0}",
    "\r\n\r\n",
    "```\n<script>\n```",
    "| a | b |\n|---|---|\n| <b onmouseover=x> | c |",
    "**bold** _it_ ~~s~~",
    "&#106;avascript:alert(1)",
    "<math><mi xlink:href=\"javascript:alert(1)\">",
    "\u{feff}\u{200b}",
    "😀🎉 Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![prop::sample::select(HOSTILE).prop_map(str::to_string), ".{0,40}", "[ -~]{0,40}"], 0..12)
        .prop_map(|parts| parts.concat())
}

/// The first active piece of sanitized HTML — a script-capable tag, a style, an event handler
/// or a link that is not http(s), mailto or local — if any. Text is escaped in sanitized
/// output, so every `<` starts a tag.
fn active_content(html: &str) -> Option<String> {
    const ACTIVE_TAGS: [&str; 10] = ["script", "iframe", "svg", "math", "style", "object", "embed", "img", "form", "input"];
    for tag in html.split('<').skip(1).map(|rest| rest.split('>').next().unwrap_or("").to_lowercase()) {
        let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("").to_string();
        let mut attributes = tag.split_whitespace().skip(1);
        let unsafe_attribute = attributes.any(|attribute| {
            attribute.starts_with("on")
                || attribute.starts_with("style=")
                || attribute.strip_prefix("href=\"").is_some_and(|url| {
                    !["http://", "https://", "mailto:", "#", "/"].iter().any(|safe| url.starts_with(safe)) && url.contains(':')
                })
        });
        if ACTIVE_TAGS.contains(&name.as_str()) || unsafe_attribute {
            return Some(format!("<{tag}>"));
        }
    }
    None
}

#[test]
fn the_checker_itself_finds_active_content() {
    assert_eq!(active_content("<p>fine <a href=\"https://x.example\" rel=\"nofollow\">x</a></p>"), None);
    for bad in ["<script>x</script>", "<a href=\"javascript:alert(1)\">x</a>", "<p onclick=\"x\">", "<b style=\"x\">", "<img src=x>"] {
        assert!(active_content(bad).is_some(), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn markdown_never_renders_active_content(source in hostile_text()) {
        let html = app::portal::forum::markdown::render(&source);
        prop_assert_eq!(active_content(&html), None, "from {:?}: {}", source, html);
    }

    #[test]
    fn the_engine_reads_anything_and_stays_in_range(text in prop_oneof![hostile_text(), ".{0,600}", prop::collection::vec(any::<char>(), 0..300).prop_map(|c| c.into_iter().collect::<String>())]) {
        let analysis = app::emotion::analyze(&text);
        prop_assert!((-1.0..=1.0).contains(&analysis.extended), "extended {}", analysis.extended);
        prop_assert!((-1.0..=1.0).contains(&analysis.polarity.compound), "compound {}", analysis.polarity.compound);
        for emotion in &analysis.emotions {
            prop_assert!((0.0..=1.0).contains(&emotion.intensity), "{:?}", emotion);
        }
        let _ = app::emotion::tone::check(&text, &app::emotion::tone::ToneContext { customer_upset: true, situation: None });
    }

    #[test]
    fn api_bodies_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..400), text in hostile_text()) {
        let _ = serde_json::from_slice::<app::ingestion::MessageIn>(&bytes);
        let json = format!("{{\"idempotency_key\":{k},\"customer_ref\":{k},\"channel\":\"chat\",\"direction\":\"inbound\",\"body\":{k}}}", k = serde_json::to_string(&text).unwrap());
        let parsed = serde_json::from_str::<app::ingestion::MessageIn>(&json);
        prop_assert!(parsed.is_ok(), "any string is a valid JSON string field: {:?}", parsed.err());
    }

    #[test]
    fn quotes_and_story_text_handle_any_input(message in hostile_text(), quote in hostile_text(), name in ".{0,40}") {
        let sentences = app::domain::stories::draft::sentences(&message);
        for sentence in &sentences {
            // Each proposed sentence is accepted as the customer's own words, unchanged.
            if !sentence.trim().is_empty() && sentence.chars().count() <= app::domain::stories::quotes::MAX_QUOTE_CHARS {
                let checked = app::domain::stories::quotes::checked_quote(sentence, &message);
                prop_assert_eq!(checked.as_deref(), Ok(sentence.trim()));
            }
        }
        let _ = app::domain::stories::quotes::checked_quote(&quote, &message);
        prop_assert!(app::domain::stories::model::excerpt(&message).chars().count() <= 201);
        for naming in ["full_name", "first_name_initial", "anonymous", "bogus"] {
            let _ = app::domain::community::naming::public_name(naming, &name);
        }
        let snippet = app::domain::stories::quotes::mail_snippet(&quote, &name, "https://x.example");
        prop_assert!(!snippet.contains("<script") && !snippet.to_lowercase().contains("<img"), "{}", snippet);
    }
}
