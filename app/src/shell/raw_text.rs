//! Text for the two places where Leptos 0.8 writes server-rendered text without escaping it:
//! `<textarea>` content (tachys treats it as raw text, like `<script>`; leptos-rs/leptos#4730
//! escaped it and #4819 reverted that because of hydration errors) and the document `<title>`
//! (leptos_meta 0.8 writes the formatted title as it is). A `</textarea>` or `</title>` in
//! what a user wrote would otherwise end the element and inject markup.

/// On the server: `text` escaped for HTML, which the browser's parser turns back into the
/// same characters. In the browser: unchanged, since there it becomes a DOM text value (a
/// `<textarea>`'s content is not hydrated; `document.title` takes plain text).
pub fn escaped_on_server(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(&text).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::escaped_on_server;

    #[test]
    fn closing_tags_cannot_end_the_element() {
        assert_eq!(
            escaped_on_server("</textarea><script>alert(1)</script> & more".into()),
            "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
        );
        assert_eq!(escaped_on_server("Plain words, “quotes” and 'apostrophes'".into()), "Plain words, “quotes” and 'apostrophes'");
    }

    /// Every `<textarea>` in the app that has content passes it through `escaped_on_server`.
    #[test]
    fn every_textarea_with_content_escapes_it() {
        fn sources(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, found);
                } else if path.extension().is_some_and(|ext| ext == "rs") && !path.ends_with("shell/raw_text.rs") {
                    found.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut unescaped = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (end, _) in text.match_indices("</textarea>") {
                let Some(start) = text[..end].rfind("<textarea") else { continue };
                let element = text[start..end].trim_end();
                if !element.ends_with('>') && !element.contains("escaped_on_server(") {
                    unescaped.push(format!("{}: {}", file.display(), element.lines().next().unwrap_or_default()));
                }
            }
        }
        assert!(unescaped.is_empty(), "textarea content written raw on the server:\n{}", unescaped.join("\n"));
    }
}
