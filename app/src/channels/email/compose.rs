//! An agent's reply as a mail: the Markdown the agent wrote as `text/plain`, and as sanitised
//! HTML (the forum's renderer: no scripts, styles or remote images), both signed with the
//! agent's name and the team's signature; and the threading headers that put it under the
//! customer's mail in their client.

/// The two bodies of one mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bodies {
    pub text: String,
    pub html: String,
}

pub fn bodies(markdown: &str, agent_name: Option<&str>, signature: &str) -> Bodies {
    let agent = agent_name.map(str::trim).filter(|name| !name.is_empty());
    let signature = signature.trim();
    let mut text = markdown.trim_end().to_string();
    let sign_off: Vec<&str> = agent.into_iter().chain(signature.lines().map(str::trim_end)).filter(|line| !line.is_empty()).collect();
    if !sign_off.is_empty() {
        // "-- " is the signature delimiter mail clients (and our own reader) recognise.
        text.push_str("\n\n-- \n");
        text.push_str(&sign_off.join("\n"));
    }
    text.push('\n');
    let sign_off_html: Vec<String> = sign_off.iter().map(|line| html_escape::encode_text(line).into_owned()).collect();
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.55;color:#1f2933\">\
         {}{}</body></html>",
        crate::portal::forum::markdown::render(markdown),
        if sign_off_html.is_empty() {
            String::new()
        } else {
            format!("<p style=\"margin-top:24px;color:#52606d\">{}</p>", sign_off_html.join("<br>"))
        }
    );
    Bodies { text, html }
}

/// An earlier mail of the conversation: its Message-ID (without brackets), and whether the
/// customer sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlierMail {
    pub id: String,
    pub from_customer: bool,
}

/// `In-Reply-To` and `References` (with brackets) for a mail after `earlier` (oldest first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Threading {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// Most Message-IDs in `References`: the first mail and the latest ones (RFC 5322 3.6.4
/// allows trimming; clients thread by the first and the last).
const MAX_REFERENCES: usize = 10;

pub fn threading(earlier: &[EarlierMail]) -> Threading {
    let bracketed = |mail: &EarlierMail| format!("<{}>", mail.id);
    let in_reply_to = earlier.iter().rev().find(|mail| mail.from_customer).or(earlier.last()).map(bracketed);
    let mut references: Vec<String> = earlier.iter().map(bracketed).collect();
    if references.len() > MAX_REFERENCES {
        let first = references.remove(0);
        references.drain(..references.len() - (MAX_REFERENCES - 1));
        references.insert(0, first);
    }
    Threading { in_reply_to, references }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_reply_and_the_sign_off() {
        let bodies =
            bodies("We refunded **both** charges.\n\n<script>alert(1)</script>", Some("Sam Lee"), "Rapport Care\nhttps://care.example.com");
        assert!(bodies.text.starts_with("We refunded **both** charges."));
        assert!(bodies.text.ends_with("\n\n-- \nSam Lee\nRapport Care\nhttps://care.example.com\n"), "{}", bodies.text);
        assert!(bodies.html.contains("<strong>both</strong>"), "{}", bodies.html);
        assert!(!bodies.html.contains("<script>"), "raw HTML is shown as text, never run: {}", bodies.html);
        assert!(bodies.html.contains("Sam Lee<br>Rapport Care<br>https://care.example.com"), "{}", bodies.html);
        let unsigned = super::bodies("Hi", None, " ");
        assert_eq!(unsigned.text, "Hi\n");
        assert!(!unsigned.html.contains("margin-top"));
    }

    #[test]
    fn replies_answer_the_customers_latest_mail_and_keep_the_chain_short() {
        let mail = |id: &str, from_customer| EarlierMail { id: id.into(), from_customer };
        assert_eq!(threading(&[]), Threading::default());
        let chain = [mail("a@x", true), mail("reply.1@us", false), mail("b@x", true), mail("reply.2@us", false)];
        let threading = threading(&chain);
        assert_eq!(threading.in_reply_to.as_deref(), Some("<b@x>"));
        assert_eq!(threading.references, ["<a@x>", "<reply.1@us>", "<b@x>", "<reply.2@us>"]);
        let long: Vec<EarlierMail> = (0..25).map(|n| mail(&format!("{n}@x"), true)).collect();
        let references = super::threading(&long).references;
        assert_eq!(references.len(), 10);
        assert_eq!((references[0].as_str(), references[1].as_str(), references[9].as_str()), ("<0@x>", "<16@x>", "<24@x>"));
    }
}
