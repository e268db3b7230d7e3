//! What text Rapport accepts from anyone: no control characters but tab, newline and carriage
//! return. U+0000 cannot be stored in Postgres text at all (the whole statement fails), and the
//! others are invisible in every view, so both backends refuse them alike, at the door.

/// The first control character in `text` that no text field accepts, if any.
pub fn forbidden_control_character(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The problem to report for a field holding `character`.
pub fn control_character_problem(character: char) -> String {
    format!("must not contain control characters (found U+{:04X})", character as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_controls_are_refused_but_line_breaks_and_tabs_are_text() {
        assert_eq!(forbidden_control_character("a\u{0}b"), Some('\u{0}'));
        assert_eq!(forbidden_control_character("bell\u{7}"), Some('\u{7}'));
        assert_eq!(forbidden_control_character("del\u{7f}"), Some('\u{7f}'));
        assert_eq!(forbidden_control_character("next line\u{85}"), Some('\u{85}'));
        assert_eq!(forbidden_control_character("line\r\nbreak\tand tab, émoji 🎉, زمان"), None);
        assert_eq!(control_character_problem('\u{0}'), "must not contain control characters (found U+0000)");
    }
}
