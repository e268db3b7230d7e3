//! What search engines and link previews read of a thread: a plain-text summary for the
//! description and, for a question with an accepted answer, QAPage structured data
//! (schema.org). Pure and deterministic, so server and browser render the same bytes.

use serde_json::{json, Value};

use crate::domain::community::model::{PostView, ThreadPage};
use crate::domain::community::plain_text::plain_summary;

/// Longest description, in characters (search engines cut around here).
pub const DESCRIPTION_CHARS: usize = 160;

/// The thread's description: its opening post, summarized.
pub fn thread_description(page: &ThreadPage) -> String {
    page.posts.first().map(|post| plain_summary(&post.body_markdown, DESCRIPTION_CHARS)).unwrap_or_else(|| page.thread.title.clone())
}

fn answer(post: &PostView, thread_path: &str) -> Value {
    json!({
        "@type": "Answer",
        "text": plain_summary(&post.body_markdown, 5_000),
        "dateCreated": post.created_at.to_rfc3339(),
        "url": format!("{thread_path}#post-{}", post.id),
        "author": { "@type": "Person", "name": post.author_name.as_deref().unwrap_or("Deleted user") },
    })
}

/// QAPage JSON-LD for a solved question (a question with an accepted answer), ready to go
/// into a `<script type="application/ld+json">` (escaped for HTML: no post text can end the
/// script or open a comment in it).
pub fn qa_page_json_ld(page: &ThreadPage) -> Option<String> {
    if page.thread.kind != "question" {
        return None;
    }
    let accepted_id = page.accepted_post_id?;
    let (question, replies) = page.posts.split_first()?;
    let thread_path = format!("/forum/t/{}", page.thread.id);
    let accepted = replies.iter().find(|p| p.id == accepted_id)?;
    let suggested: Vec<Value> = replies.iter().filter(|p| p.id != accepted_id).map(|p| answer(p, &thread_path)).collect();
    let data = json!({
        "@context": "https://schema.org",
        "@type": "QAPage",
        "mainEntity": {
            "@type": "Question",
            "name": page.thread.title,
            "text": plain_summary(&question.body_markdown, 5_000),
            "answerCount": replies.len(),
            "dateCreated": question.created_at.to_rfc3339(),
            "author": { "@type": "Person", "name": question.author_name.as_deref().unwrap_or("Deleted user") },
            "acceptedAnswer": answer(accepted, &thread_path),
            "suggestedAnswer": suggested,
        }
    });
    Some(crate::shell::inline_json::json_for_html(&data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::community::model::ThreadSummary;
    use chrono::{TimeZone, Utc};

    fn post(id: i64, body: &str) -> PostView {
        PostView {
            id,
            author_id: Some(id),
            author_name: Some(format!("Member {id}")),
            body_markdown: body.into(),
            is_staff: false,
            created_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
            held: false,
            body_html: String::new(),
            helped: 0,
            hearts: 0,
            mine: vec![],
        }
    }

    fn page(kind: &str, accepted: Option<i64>, posts: Vec<PostView>) -> ThreadPage {
        ThreadPage {
            thread: ThreadSummary {
                id: 42,
                title: "Refund never arrived".into(),
                category_slug: "billing".into(),
                category_name: "Billing".into(),
                kind: kind.into(),
                state: "solved".into(),
                pinned: false,
                post_count: posts.len() as i64,
                author_name: Some("Member 1".into()),
                last_post_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
            },
            accepted_post_id: accepted,
            posts,
            signed_in: false,
            can_accept: false,
            can_moderate: false,
            hidden_posts: vec![],
        }
    }

    #[test]
    fn only_solved_questions_get_qa_structured_data() {
        let posts = || vec![post(1, "Where is my refund?"), post(2, "Check **Billing**."), post(3, "Same here")];
        assert!(qa_page_json_ld(&page("question", None, posts())).is_none());
        assert!(qa_page_json_ld(&page("discussion", Some(2), posts())).is_none());
        let json = qa_page_json_ld(&page("question", Some(2), posts())).unwrap();
        let data: Value = serde_json::from_str(&json).unwrap();
        let question = &data["mainEntity"];
        assert_eq!(question["name"], "Refund never arrived");
        assert_eq!(question["answerCount"], 2);
        assert_eq!(question["acceptedAnswer"]["text"], "Check Billing.");
        assert_eq!(question["acceptedAnswer"]["url"], "/forum/t/42#post-2");
        assert_eq!(question["suggestedAnswer"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn no_post_text_can_close_the_script_element_or_open_a_comment() {
        let hostile = "<!--<script> </script><script>alert(1)</script> & -->";
        let posts = vec![post(1, "Why?"), post(2, hostile)];
        let json = qa_page_json_ld(&page("question", Some(2), posts)).unwrap();
        assert!(!json.contains(['<', '>', '&']), "{json}");
        let data: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(data["mainEntity"]["acceptedAnswer"]["text"], hostile);
    }
}
