//! What the customer wrote now: a mail without the quoted history under (or between) its
//! lines and without its signature, so that the engine scores today's words and not the
//! agent's quoted reply or last month's complaint. Heuristics for the common mail clients
//! (Gmail, Apple Mail, Outlook, Thunderbird, phones), in English, French, German, Spanish
//! and Dutch; what they do not recognise stays in (better a longer text than a lost one).

/// The new text of a mail body, and whether anything was cut away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewText {
    pub text: String,
    pub cut: bool,
}

pub fn new_text(body: &str) -> NewText {
    let normalized = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.lines().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut cut = false;
    let mut said_something = false;
    for (index, line) in lines.iter().enumerate() {
        if starts_history(&lines, index) || starts_signature(line) {
            cut = true;
            if said_something {
                break;
            }
            // A reply written under the quote (bottom-posting): the attribution line goes,
            // the quoted lines go below, and what follows them is the customer's.
            continue;
        }
        if line.trim_start().starts_with('>') {
            cut = true;
            continue;
        }
        said_something |= !line.trim().is_empty();
        kept.push(line.trim_end());
    }
    // Blank lines left where quotes were: at most one in a row, none at either end.
    let mut text = String::with_capacity(normalized.len());
    let mut blank_run = 0;
    for line in kept {
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        text.push_str(line);
    }
    NewText { text, cut }
}

/// A line that introduces the quoted earlier mail ("On Monday, Sam wrote:", an Outlook header
/// block, "-----Original Message-----").
fn starts_history(lines: &[&str], index: usize) -> bool {
    let line = lines[index].trim();
    let next = lines.get(index + 1).map(|l| l.trim()).unwrap_or("");
    let lower = line.to_lowercase();
    if lower.contains("original message") && line.starts_with("---") {
        return true;
    }
    // Attribution lines ("On …, Sam <care@…> wrote:"), sometimes wrapped before the last word.
    if lower.chars().count() <= 300 && ["on ", "le ", "am ", "el ", "op "].iter().any(|opening| lower.starts_with(opening)) {
        let short_next = next.chars().count() <= 20;
        let joined = if short_next { format!("{lower} {}", next.to_lowercase()) } else { lower.clone() };
        const CLOSINGS: [&str; 5] = ["wrote:", "écrit :", "écrit:", "escribió:", "schreef:"];
        if CLOSINGS.iter().any(|closing| lower.ends_with(closing) || joined.ends_with(closing)) {
            return true;
        }
        if lower.starts_with("am ") && lower.contains(" schrieb ") && lower.ends_with(':') {
            return true;
        }
    }
    // Outlook: an underscore rule or a header block (From:, then Sent:/Date: and To:/Subject:).
    if line.len() >= 20 && line.chars().all(|c| c == '_') {
        return true;
    }
    if is_header(&lower, &["from:", "von:", "de :", "de:", "van:"]) {
        let following: Vec<String> = lines.iter().skip(index + 1).take(4).map(|l| l.trim().to_lowercase()).collect();
        let dated =
            following.iter().any(|l| is_header(l, &["sent:", "date:", "gesendet:", "envoyé :", "envoyé:", "enviado:", "verzonden:"]));
        let addressed = following
            .iter()
            .any(|l| is_header(l, &["to:", "subject:", "an:", "à :", "à:", "para:", "aan:", "betreff:", "objet :", "asunto:"]));
        if dated && addressed {
            return true;
        }
    }
    false
}

fn is_header(lower: &str, names: &[&str]) -> bool {
    let plain = lower.trim_start_matches('*');
    names.iter().any(|name| plain.starts_with(name))
}

/// The signature delimiter ("-- ") and the lines phones add under a mail.
fn starts_signature(line: &str) -> bool {
    if line == "-- " || line.trim_end() == "--" {
        return true;
    }
    let lower = line.trim().to_lowercase();
    const PHONE_LINES: [&str; 6] =
        ["sent from my ", "get outlook for ", "sent from mail for windows", "envoyé de mon ", "von meinem ", "enviado desde mi "];
    PHONE_LINES.iter().any(|start| lower.starts_with(start)) && lower.chars().count() <= 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_replies_lose_the_quoted_thread() {
        let body = "Still not fixed and I am furious.\r\n\r\nOn Mon, 7 Dec 2026 at 10:02, Sam from Care <care+c1-ab@reply.example.com> wrote:\r\n> We are so sorry, it is fixed now.\r\n> Sam\r\n";
        assert_eq!(new_text(body), NewText { text: "Still not fixed and I am furious.".into(), cut: true });
        let wrapped = "Thanks!\n\nOn Mon, 7 Dec 2026 at 10:02, Sam from Care <care@example.com>\nwrote:\n> fixed";
        assert_eq!(new_text(wrapped).text, "Thanks!");
    }

    #[test]
    fn other_clients_and_languages() {
        assert_eq!(
            new_text("Merci beaucoup\n\nLe lun. 7 déc. 2026 à 10:02, Sam <care@example.com> a écrit :\n> corrigé").text,
            "Merci beaucoup"
        );
        assert_eq!(new_text("Danke\n\nAm 07.12.2026 um 10:02 schrieb Sam <care@example.com>:\n> ok").text, "Danke");
        assert_eq!(new_text("Gracias\n\nEl lun, 7 dic 2026, Sam escribió:\n> hola").text, "Gracias");
        let outlook = "It works again, thank you.\n\n________________________________\nFrom: Care <care@example.com>\nSent: Monday, December 7, 2026 10:02\nTo: Dana\nSubject: Re: Charged twice\n\nWe refunded you.";
        assert_eq!(new_text(outlook).text, "It works again, thank you.");
        let headers_only = "Great.\n\nFrom: Care <care@example.com>\nSent: Monday\nTo: Dana\n\nold text";
        assert_eq!(new_text(headers_only).text, "Great.");
        assert_eq!(new_text("Hm.\n-----Original Message-----\nold").text, "Hm.");
    }

    #[test]
    fn signatures_and_phone_footers_go_interleaved_answers_stay() {
        assert_eq!(new_text("Where is my refund?\n\n-- \nDana Doe\nACME Ltd").text, "Where is my refund?");
        assert_eq!(new_text("Where is my refund?\n\nSent from my iPhone").text, "Where is my refund?");
        let interleaved = "> Did the refund arrive?\nNo, it did not.\n\n> Can you send a screenshot?\nAttached.";
        assert_eq!(new_text(interleaved).text, "No, it did not.\n\nAttached.");
        let bottom_posted = "On Mon, 7 Dec 2026, Sam <care@example.com> wrote:\n> Is it fixed?\n\nYes, all good now, thanks!\n\n-- \nDana";
        assert_eq!(new_text(bottom_posted).text, "Yes, all good now, thanks!", "a reply under the quote is kept");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let body = "On my way home I noticed the charge twice.\nFrom: the bank statement, dated yesterday.";
        assert_eq!(new_text(body), NewText { text: body.into(), cut: false });
        assert_eq!(new_text("").text, "");
        assert_eq!(new_text("> only a quote").text, "");
    }
}
