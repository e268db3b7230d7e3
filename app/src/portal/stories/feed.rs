//! `/stories/feed.xml`: published stories as an Atom feed, built from the same cards as every
//! other public surface, so a withdrawn story leaves the feed the moment it leaves the page.

use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::domain::stories::model::StoryCard;
use crate::state::AppState;

const FEED_STORIES: i64 = 30;

fn link(href: String, rel: &str, mime_type: &str) -> Link {
    Link { href, rel: rel.into(), mime_type: Some(mime_type.into()), ..Link::default() }
}

fn entry(card: &StoryCard, site: &str) -> Entry {
    let url = format!("{site}/stories/{}", card.id);
    Entry {
        id: url.clone(),
        title: Text::plain(card.title.clone()),
        updated: card.published_at.fixed_offset(),
        published: Some(card.published_at.fixed_offset()),
        authors: vec![Person { name: card.told_by.clone(), ..Person::default() }],
        links: vec![link(url, "alternate", "text/html")],
        summary: Some(Text::plain(card.excerpt.clone())),
        content: Some(Content { value: Some(card.excerpt.clone()), content_type: Some("text".into()), ..Content::default() }),
        ..Entry::default()
    }
}

/// The feed document. `now` stands in for "updated" while no story is shared.
pub fn atom_xml(cards: &[StoryCard], site: &str, now: DateTime<Utc>) -> String {
    let site = site.trim_end_matches('/');
    let updated = cards.iter().map(|card| card.published_at).max().unwrap_or(now);
    let feed = Feed {
        id: format!("{site}{}", crate::portal::stories::FEED_PATH),
        title: Text::plain("Resolved stories"),
        subtitle: Some(Text::plain("How customers' problems were solved well, shared by the customers themselves, with their consent.")),
        updated: updated.fixed_offset(),
        links: vec![
            link(format!("{site}{}", crate::portal::stories::FEED_PATH), "self", "application/atom+xml"),
            link(format!("{site}/stories"), "alternate", "text/html"),
        ],
        entries: cards.iter().map(|card| entry(card, site)).collect(),
        ..Feed::default()
    };
    feed.to_string()
}

pub async fn stories_feed(State(state): State<AppState>) -> Response {
    match crate::data::stories::published_cards(&state.db, FEED_STORIES).await {
        Ok(cards) => (
            [
                (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
                // Readers must come back to learn that a customer withdrew their story.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            atom_xml(&cards, &state.public_url, Utc::now()),
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "could not load stories for the feed");
            (StatusCode::SERVICE_UNAVAILABLE, "The story feed is unavailable for a moment.").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: i64, title: &str) -> StoryCard {
        StoryCard {
            id,
            title: title.into(),
            excerpt: "It was sorted <quickly> & kindly.".into(),
            told_by: "Quinn A.".into(),
            featured: false,
            published_at: Utc::now(),
        }
    }

    #[test]
    fn the_feed_is_atom_with_escaped_text() {
        let xml = atom_xml(&[card(4, "Billing \"fixed\" <fast>")], "https://care.example.com/", Utc::now());
        assert!(xml.contains("xmlns=\"http://www.w3.org/2005/Atom\""), "{xml}");
        assert!(xml.contains("<id>https://care.example.com/stories/4</id>"), "{xml}");
        assert!(xml.contains("href=\"https://care.example.com/stories/feed.xml\""), "{xml}");
        assert!(xml.contains("<name>Quinn A.</name>"), "{xml}");
        assert!(!xml.contains("<fast>") && !xml.contains("<quickly>"), "text is escaped: {xml}");
        let parsed: Feed = xml.parse().expect("the feed parses back");
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(parsed.entries[0].title.value, "Billing \"fixed\" <fast>");
    }

    #[test]
    fn an_empty_feed_is_still_valid() {
        let parsed: Feed = atom_xml(&[], "https://care.example.com", Utc::now()).parse().expect("parses");
        assert!(parsed.entries.is_empty());
    }
}
