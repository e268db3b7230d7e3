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
}
