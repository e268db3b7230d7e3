//! Demo stories and gratitude quotes. They go through the real publishing rules: the seed
//! writes the consent records (channel "demo data", so nobody mistakes them for a real
//! customer's answer), then publishes with the data layer, which checks them.

use anyhow::Result;
use app::data::{on_pool, quotes, story_editing, Db};
use app::domain::community::naming::Naming;
use app::domain::stories::draft::{sentences, StoryDraft};
use chrono::{DateTime, Utc};

const DEMO_CONSENT: &str = "demo data";
const STORIES: usize = 3;
const QUOTES: i64 = 6;

async fn record_consent(db: &Db, customer_id: i64, kind: &str, id: i64, text: &str, now: DateTime<Utc>) -> Result<()> {
    const SQL: &str =
        "INSERT INTO consent_records (customer_id, subject_kind, subject_id, subject_version, decision, channel, text_shown, recorded_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7)";
    for decision in ["requested", "granted"] {
        on_pool!(db, pool => sqlx::query(SQL).bind(customer_id).bind(kind).bind(id).bind(decision).bind(DEMO_CONSENT).bind(text).bind(now)
            .execute(pool).await.map(|_| ()))?;
    }
    Ok(())
}

/// Publishes stories about the first resolved conversations and quotes from recent thank-yous.
pub async fn seed_stories(db: &Db, marketing_id: i64, now: DateTime<Utc>) -> Result<(u64, u64)> {
    const RESOLVED: &str = "SELECT id FROM conversations WHERE status = 'resolved' ORDER BY id LIMIT 20";
    let conversations: Vec<i64> = on_pool!(db, pool => sqlx::query_scalar(RESOLVED).fetch_all(pool).await)?;
    let actor = story_editing::Actor { user_id: marketing_id, label: "seed-demo" };
    let mut stories = 0;
    for conversation_id in conversations {
        if stories as usize == STORIES {
            break;
        }
        // The demo's stories are written as an admin would: from any resolved conversation.
        let source = story_editing::source(db, conversation_id, story_editing::DraftingReach::AnyConversation).await?;
        let said: Vec<String> = source.customer_messages.iter().flat_map(|m| sentences(m)).collect();
        let Some(first) = source.customer_name.split_whitespace().next() else { continue };
        let quote = said.iter().rev().find(|s| s.to_lowercase().contains("thank")).cloned();
        let draft = StoryDraft {
            title: format!("“{}”, sorted out", source.subject.trim_end_matches(['.', '!', '?', '…'])),
            narrative: format!("{first} wrote to us about this and was worried it would drag on. The agent who picked it up explained what had gone wrong and what would happen next."),
            resolution: "The agent fixed it in the same conversation and checked in afterwards to make sure it stayed fixed.".into(),
            quotes: quote.into_iter().collect(),
            naming: "first_name_initial".into(),
        };
        let Ok(draft) = draft.checked(&said) else { continue };
        let id = story_editing::create(db, source.customer_id, Some(conversation_id), &draft, &actor, now).await?;
        record_consent(db, source.customer_id, "story", id, &draft.consent_text(&source.customer_name), now).await?;
        story_editing::publish(db, id, &actor, now).await?;
        if stories == 0 {
            story_editing::set_featured(db, id, true, now).await?;
        }
        stories += 1;
    }
    let mut published_quotes = 0;
    // The wall should not show the same words twice, even when two customers wrote them.
    let mut used = std::collections::HashSet::new();
    for candidate in quotes::candidates(db, now - chrono::Duration::days(30), QUOTES * 4).await? {
        if published_quotes >= QUOTES.unsigned_abs() {
            break;
        }
        let Ok(words) = app::domain::stories::quotes::checked_quote(&candidate.body, &candidate.body) else { continue };
        if !used.insert(words.to_lowercase()) {
            continue;
        }
        let (customer_id, customer_name, _) = quotes::source_text(db, candidate.source).await?;
        let (message_id, csat_event_id) = candidate.source.columns();
        let naming = Naming::FirstNameInitial;
        let id: i64 = on_pool!(db, pool => sqlx::query_scalar(quotes::INSERT_AWAITING_CONSENT).bind(customer_id).bind(message_id).bind(csat_event_id).bind(&words).bind(naming.as_str()).bind(now).fetch_one(pool).await)?;
        record_consent(
            db,
            customer_id,
            "quote",
            id,
            &app::domain::stories::quotes::quote_consent_text(&words, naming.as_str(), &customer_name),
            now,
        )
        .await?;
        quotes::publish(db, id, marketing_id, now).await?;
        published_quotes += 1;
    }
    Ok((stories, published_quotes))
}
