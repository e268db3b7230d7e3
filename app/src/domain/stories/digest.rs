//! Story digests: customers who opted in get the featured stories by email, matched to them
//! (stories about the same kind of situation they contacted us about first, then the same
//! plan), with a one-click unsubscribe link.

use super::model::StoryCard;

/// How often a subscriber gets a digest, at most.
pub const DIGEST_EVERY_DAYS: i64 = 7;
pub const STORIES_PER_DIGEST: usize = 3;

/// What a customer agrees to when they subscribe (kept in the consent ledger).
pub const DIGEST_CONSENT_TEXT: &str =
    "Send me a short email with stories of how other customers were helped, at most once a week. I can unsubscribe with one click.";

/// A published story with what it can be matched on: the plan of the customer it is about
/// and the situation (billing, delivery, ...) of its conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestStory {
    pub card: StoryCard,
    pub plan: Option<String>,
    pub situation: Option<String>,
}

/// Who a digest is for: their plan and the situations of their own conversations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reader {
    pub plan: Option<String>,
    pub situations: Vec<String>,
}

/// Up to [`STORIES_PER_DIGEST`] stories for `reader`: a situation they had themselves
/// first, then their plan, then featured, then newest.
pub fn pick_stories(stories: &[DigestStory], reader: &Reader) -> Vec<StoryCard> {
    let mut ranked: Vec<&DigestStory> = stories.iter().collect();
    ranked.sort_by_key(|story| {
        let same_situation = story.situation.as_ref().is_some_and(|s| reader.situations.contains(s));
        let same_plan = reader.plan.is_some() && story.plan == reader.plan;
        (!same_situation, !same_plan, !story.card.featured, std::cmp::Reverse(story.card.published_at))
    });
    ranked.into_iter().take(STORIES_PER_DIGEST).map(|s| s.card.clone()).collect()
}

pub fn digest_email(customer_name: &str, stories: &[StoryCard], site: &str, unsubscribe_link: &str) -> String {
    let first = customer_name.split_whitespace().next().unwrap_or("there");
    let mut body = format!("Hello {first},\n\nHere is how other customers were helped recently, told by themselves:\n");
    for story in stories {
        body.push_str(&format!("\n* {}\n  {}\n  — {}\n  {}/stories/{}\n", story.title, story.excerpt, story.told_by, site, story.id));
    }
    body.push_str(&format!("\nYou get this because you asked for story digests. Unsubscribe with one click: {unsubscribe_link}\n"));
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn story(id: i64, plan: &str, featured: bool, days_ago: i64) -> DigestStory {
        DigestStory {
            card: StoryCard {
                id,
                title: format!("Story {id}"),
                excerpt: "What happened.".into(),
                told_by: "Dana S.".into(),
                featured,
                published_at: Utc::now() - Duration::days(days_ago),
            },
            plan: Some(plan.into()),
            situation: None,
        }
    }

    fn on(plan: Option<&str>, situations: &[&str]) -> Reader {
        Reader { plan: plan.map(str::to_string), situations: situations.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn same_plan_first_then_featured_then_newest() {
        let stories = [story(1, "pro", false, 1), story(2, "basic", true, 2), story(3, "basic", false, 3), story(4, "pro", false, 0)];
        let ids = |plan| pick_stories(&stories, &on(plan, &[])).iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(Some("basic")), [2, 3, 4]);
        assert_eq!(ids(Some("pro")), [4, 1, 2]);
        assert_eq!(ids(None), [2, 4, 1]);
    }

    #[test]
    fn a_situation_the_reader_had_comes_before_their_plan() {
        let mut stories = [story(1, "pro", false, 1), story(2, "basic", true, 2), story(3, "basic", false, 3), story(4, "pro", false, 0)];
        stories[2].situation = Some("delivery".into());
        stories[0].situation = Some("billing".into());
        let ids = |reader: Reader| pick_stories(&stories, &reader).iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(on(Some("pro"), &["delivery"])), [3, 4, 1]);
        assert_eq!(ids(on(Some("basic"), &["billing", "delivery"])), [3, 1, 2], "both situations, then the plan");
        assert_eq!(ids(on(Some("basic"), &["returns"])), [2, 3, 4], "no story on that situation: as before");
    }

    #[test]
    fn the_email_links_each_story_and_the_unsubscribe() {
        let body = digest_email(
            "Dana Smith",
            &pick_stories(&[story(7, "pro", true, 1)], &Reader::default()),
            "https://x.example",
            "https://x.example/digest/unsubscribe/3/abc",
        );
        assert!(body.starts_with("Hello Dana,"));
        assert!(body.contains("https://x.example/stories/7"));
        assert!(body.ends_with("Unsubscribe with one click: https://x.example/digest/unsubscribe/3/abc\n"));
    }
}
