//! `/embed/stories`: the live story ticker for other websites, in an iframe.
//!
//! Plain HTML with no cookies read, no third-party anything, and a CSP that lets any site
//! frame it but lets nothing run except our own `/portal.js` (which keeps it live).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::domain::stories::model::StoryCard;
use crate::state::AppState;

const EMBED_CARDS: i64 = 5;

fn card_html(card: &StoryCard, site: &str) -> String {
    format!(
        "<li class=\"story-card\" data-story-id=\"{id}\"><a href=\"{site}/stories/{id}\" target=\"_blank\" rel=\"noopener\">{title}</a>\
         <p>{excerpt}</p><p class=\"meta\">Shared by {by}</p></li>",
        id = card.id,
        title = ammonia::clean_text(&card.title),
        excerpt = ammonia::clean_text(&card.excerpt),
        by = ammonia::clean_text(&card.told_by),
    )
}

pub fn page_html(cards: &[StoryCard], site: &str) -> String {
    let items: String = cards.iter().map(|card| card_html(card, site)).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Resolved stories · Rapport</title><link rel=\"stylesheet\" href=\"/pkg/rapport.css\"></head>\
         <body class=\"embed\"><main><h1 class=\"embed__title\">Resolved stories</h1>\
         <ul class=\"story-ticker\" data-live-stories=\"ticker\" data-limit=\"{EMBED_CARDS}\" data-site=\"{site}\">{items}</ul>\
         <p class=\"embed__empty\" data-live-empty{hidden}>No stories are shared right now.</p>\
         <p class=\"meta\">Shared by customers, with their consent · <a href=\"{site}/stories\" target=\"_blank\" rel=\"noopener\">Rapport community</a></p>\
         </main><script type=\"module\" src=\"/portal.js\"></script></body></html>",
        hidden = if cards.is_empty() { "" } else { " hidden" },
    )
}

/// The wall for other websites: the newest quotes, live (withdrawn ones disappear).
pub fn wall_html(quotes: &[crate::domain::community::model::PublishedQuote], site: &str) -> String {
    let items: String = quotes
        .iter()
        .map(|q| {
            format!(
                "<li data-quote-id=\"{}\"><blockquote><p>“{}”</p><footer>{}</footer></blockquote></li>",
                q.id,
                ammonia::clean_text(&q.quote),
                ammonia::clean_text(&q.said_by)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Gratitude wall · Rapport</title><link rel=\"stylesheet\" href=\"/pkg/rapport.css\"></head>\
         <body class=\"embed\"><main><h1 class=\"embed__title\">Thank-you notes from customers</h1><ul class=\"wall\">{items}</ul>\
         <p class=\"meta\">Shown with consent, never edited · <a href=\"{site}/wall\" target=\"_blank\" rel=\"noopener\">Rapport community</a></p>\
         </main><script type=\"module\" src=\"/portal.js\"></script></body></html>"
    )
}

fn embed_response(html: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
        .into_response()
}

pub async fn wall_embed(State(state): State<AppState>) -> Response {
    match crate::data::quotes::wall(&state.db, None, None, 12).await {
        Ok(quotes) => embed_response(wall_html(&quotes, &state.public_url)),
        Err(error) => {
            tracing::warn!(%error, "could not load quotes for the embed");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "The wall is unavailable for a moment.").into_response()
        }
    }
}

pub async fn stories_embed(State(state): State<AppState>) -> Response {
    let cards = match crate::data::stories::published_cards(&state.db, EMBED_CARDS).await {
        Ok(cards) => cards,
        Err(error) => {
            tracing::warn!(%error, "could not load stories for the embed");
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "Stories are unavailable for a moment.").into_response();
        }
    };
    embed_response(page_html(&cards, &state.public_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert_in_the_embed() {
        let card = StoryCard {
            id: 3,
            title: "<script>alert(1)</script>".into(),
            excerpt: "\" onmouseover=\"alert(2)".into(),
            told_by: "<img src=x onerror=alert(3)>".into(),
            featured: false,
            published_at: chrono::Utc::now(),
        };
        let html = page_html(&[card], "https://care.example.com");
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("\" onmouseover"));
        assert!(html.contains("data-story-id=\"3\""));
        assert!(html.contains("data-live-empty hidden"), "the empty note hides while stories show");
    }
}
