//! Post text without its Markdown marks, for places that show or index it as plain text:
//! meta descriptions, structured data and search snippets. Pure, shared with the browser.

/// `markdown` with emphasis and code marks, heading and quote marks (at a line's start) and
/// link targets dropped and all whitespace runs turned into one space. Leading and trailing spaces are kept, so that
/// pieces of a longer text (a search snippet around a highlighted word) join up.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    let mut line_start = true;
    while let Some(c) = chars.next() {
        let at_line_start = line_start;
        line_start = c == '\n' || (line_start && (c == ' ' || c == '#' || c == '>'));
        match c {
            // "](url)": keep the link text, drop the target.
            ']' if chars.peek() == Some(&'(') => {
                for skipped in chars.by_ref() {
                    if skipped == ')' {
                        break;
                    }
                }
            }
            '#' | '>' if at_line_start => {}
            '[' | ']' | '*' | '_' | '`' | '~' => {}
            c if c.is_whitespace() => {
                if !text.ends_with(' ') {
                    text.push(' ');
                }
            }
            c => text.push(c),
        }
    }
    text
}

/// The Markdown source as one line of plain text, cut at a word boundary with "…" when
/// longer than `max_chars`.
pub fn plain_summary(markdown: &str, max_chars: usize) -> String {
    let plain = plain_text(markdown);
    let text = plain.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_their_edge_spaces() {
        assert_eq!(plain_text(" my **card** `x` "), " my card x ");
        assert_eq!(plain_text("see [docs](https://x.test)\n\nnow"), "see docs now");
        assert_eq!(plain_text("# Title\n> quoted a > b\n## Next #1"), " Title quoted a > b Next #1");
    }

    #[test]
    fn summaries_are_plain_one_line_and_cut_at_a_word() {
        assert_eq!(
            plain_summary("## Help\n\nMy **refund** from [the shop](https://x.test/a) is\n> late", 100),
            "Help My refund from the shop is late"
        );
        let long = "word ".repeat(60);
        let summary = plain_summary(&long, 40);
        assert!(summary.ends_with('…') && summary.chars().count() <= 40, "{summary}");
        assert!(!summary.contains("wor…"), "cut between words: {summary}");
    }
}
