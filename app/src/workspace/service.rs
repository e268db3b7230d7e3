//! The workspace's work behind its server functions: a conversation page assembled from its
//! parts, and a reply sent on the conversation's channel. Server functions check the caller
//! and the input, then call one function here.

use crate::domain::accounts::Viewer;
use crate::domain::workspace::ConversationPage;
use crate::emotion::{analyze, tone::ToneContext, Analysis};
use crate::error::AppError;
use crate::state::AppState;

/// A conversation with everything its page shows: analysed messages, the customer's panel,
/// assignees, the journey (or the templates to start one) and mail attachments.
pub async fn conversation_page(state: &AppState, id: i64) -> Result<ConversationPage, AppError> {
    let db = state.db.clone();
    let mut page =
        crate::data::conversations::page(&db, id).await?.ok_or_else(|| AppError::NotFound("This conversation does not exist.".into()))?;
    for message in page.messages.iter_mut().filter(|m| m.direction == crate::domain::channels::Direction::Inbound) {
        message.analysis = message
            .analysis_json
            .take()
            .and_then(|json| serde_json::from_str::<Analysis>(&json).ok())
            .or_else(|| Some(analyze(&message.body)));
    }
    let latest: Vec<Analysis> = page.messages.iter().filter_map(|m| m.analysis.clone()).collect();
    page.tone_context = ToneContext::from_latest(&latest);
    page.guidance = latest.last().map(|a| a.guidance.clone());
    page.customer = customer_panel(&db, &state.engine.state, id).await?;
    page.assignees = crate::data::users::assignable(&db).await?;
    page.journey = crate::data::journeys::of_conversation(&db, id).await?;
    crate::channels::email::files::attach_to_page(&db, &mut page).await?;
    // The template choice is only shown when a journey can be started.
    if !page.journey.as_ref().is_some_and(|journey| journey.is_open()) {
        page.journey_templates = crate::data::journey_templates::list(&db).await?;
    }
    Ok(page)
}

/// Sends an agent's reply (already checked) on the conversation's channel, keeps the tone
/// flags seen while writing and still in the text for coaching, and tells open inboxes.
pub async fn send_reply(state: &AppState, viewer: &Viewer, conversation_id: i64, body: &str, seen: &str) -> Result<(), AppError> {
    let sent = sent_tone_flags(&state.db, conversation_id, body).await?;
    let context = crate::data::deliveries::reply_context(&state.db, conversation_id)
        .await?
        .ok_or_else(|| AppError::NotFound("This conversation does not exist.".into()))?;
    // The reply goes out on the conversation's channel; a forum reply is posted in its
    // thread under the staff badge. How that went shows on the message.
    let reply = crate::channels::replies::Reply {
        author_user_id: viewer.user_id,
        author_name: &viewer.display_name,
        body,
        tone: crate::data::conversations::ReplyTone { seen, sent: &sent },
    };
    crate::channels::replies::send(&state.db, &context, &reply, state.mail_transport, chrono::Utc::now())
        .await?
        .ok_or_else(|| AppError::NotFound("This conversation does not exist.".into()))?;
    state.realtime.publish(crate::domain::workspace::InboxChange::Message, conversation_id);
    Ok(())
}

/// The tone-check flags of a reply as it is sent, in the conversation's context (the
/// customer's latest analysed messages), as stored keys.
async fn sent_tone_flags(db: &crate::data::Db, conversation_id: i64, body: &str) -> Result<String, AppError> {
    use crate::emotion::tone::check;
    let latest: Vec<Analysis> = crate::data::conversations::latest_inbound_analyses(db, conversation_id, 5)
        .await?
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    let report = check(body, &ToneContext::from_latest(&latest));
    let keys: Vec<&str> = report.flags.iter().map(|flag| flag.issue.key()).collect();
    crate::domain::coaching::stored_flags(&keys.join(" ")).map_err(|_| AppError::Internal)
}

async fn customer_panel(
    db: &crate::data::Db,
    state_config: &crate::emotion::state::StateConfig,
    conversation_id: i64,
) -> Result<Option<crate::domain::workspace::CustomerPanel>, AppError> {
    use crate::data::{conversations, customers};
    use crate::emotion::state::{emotional_state, Observation};
    use crate::emotion::{analyze, traits::traits};
    let Some(customer_id) = conversations::customer_of(db, conversation_id).await? else {
        return Ok(None);
    };
    let Some(profile) = customers::profile(db, customer_id).await? else {
        return Ok(None);
    };
    let inbound = conversations::inbound_of_customer(db, customer_id, 60).await?;
    let mut sentiment: Vec<(chrono::DateTime<chrono::Utc>, f64)> =
        inbound.iter().filter_map(|(at, score, _, _)| score.map(|s| (*at, s))).collect();
    sentiment.reverse();
    let bodies: Vec<&str> = inbound.iter().map(|(_, _, body, _)| body.as_str()).collect();
    // Messages were scored when they arrived; only unscored ones are analysed now.
    let analyses: Vec<_> = inbound
        .iter()
        .map(|(_, _, body, stored)| stored.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_else(|| analyze(body)))
        .collect();
    let events = customers::events_of(db, customer_id, 50).await?;
    let (csat, events): (Vec<_>, Vec<_>) = events.into_iter().partition(|e| e.kind == "csat");
    let csat_scores: Vec<u8> = csat.iter().filter_map(|e| e.value.map(|v| v.round().clamp(1.0, 5.0) as u8)).collect();
    let observations: Vec<Observation> = sentiment.iter().map(|(at, s)| Observation { at: *at, sentiment: *s }).collect();
    Ok(Some(crate::domain::workspace::CustomerPanel {
        profile,
        traits: traits(&bodies, &analyses, &csat_scores),
        state: emotional_state(&observations, chrono::Utc::now(), state_config),
        sentiment,
        previous: conversations::of_customer(db, customer_id, conversation_id, 10).await?,
        csat,
        events,
    }))
}
