//! JSON that goes into a page's HTML, such as `<script type="application/ld+json">`.
//!
//! The HTML parser reads a script's text before any JSON parser does: `</script>` would end
//! the element, and `<!--` followed by `<script>` switches the parser into a state that
//! swallows the rest of the page. Every JSON the app writes into HTML goes through
//! [`json_for_html`], which writes `<`, `>` and `&` as JSON's `\u` escapes: the same JSON
//! value, with no character the HTML parser reacts to.

/// `value` as JSON text that is safe inside an HTML element.
pub fn json_for_html(value: &serde_json::Value) -> String {
    escape_for_html(&value.to_string())
}

/// `<`, `>` and `&` only occur inside strings of serialized JSON, where `\u003c` and friends
/// mean the same characters.
fn escape_for_html(json: &str) -> String {
    let mut escaped = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::json_for_html;
    use serde_json::json;

    #[test]
    fn markup_characters_become_unicode_escapes_and_the_value_stays_the_same() {
        let value = json!({ "text": "<!--<script> a & b </script> -->", "n": 1 });
        let html = json_for_html(&value);
        assert!(!html.contains(['<', '>', '&']), "{html}");
        assert!(html.contains("\\u003c!--\\u003cscript\\u003e"), "{html}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&html).unwrap(), value);
    }
}
