//! Asking for a rating when a conversation is resolved, and recording the customer's click:
//! the first click is a `csat` event through ingestion (the same recovery trigger, quotes and
//! KPIs as `POST /api/v1/csat`); later clicks and the comment change it for a week.

use chrono::{DateTime, Duration, Utc};

use crate::channels::replies::outbound_payload;
use crate::data::ratings::{self as stored, Ask};
use crate::data::{deliveries, DataError};
use crate::domain::channels::ratings::{self, window, RatingView, Window, CHANGE_DAYS, MAX_COMMENT_CHARS, QUESTION};
use crate::error::AppError;
use crate::ingestion::{change_rating, record_rating, Ingestion};

/// Where rating links point and what signs them.
pub struct LinkSigner<'a> {
    pub secret: &'a [u8],
    pub public_url: &'a str,
}

impl LinkSigner<'_> {
    fn links(&self, request: i64) -> Vec<String> {
        ratings::links(self.public_url, &ratings::token(self.secret, request))
    }
}

/// Resolves a conversation and sends the rating request on its channel. `None`: no such
/// conversation (or it could not be resolved).
pub async fn resolve_asking(
    db: &crate::data::Db,
    signer: &LinkSigner<'_>,
    conversation_id: i64,
    agent: (i64, &str),
    summary: &str,
    mail_transport: bool,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DataError> {
    let Some(context) = deliveries::reply_context(db, conversation_id).await? else {
        return Ok(None);
    };
    let subject = format!("How did we do? {}", crate::domain::channels::reply_subject(&context.subject));
    let links = |request: i64| signer.links(request);
    let payload = |message_id: i64, links: &[String]| outbound_payload(&context, message_id, QUESTION, agent.1, now, links);
    let ask = Ask { question: QUESTION, subject: &subject, mail_transport, links: &links, payload: &payload };
    stored::resolve_asking(db, &context, agent.0, summary, &ask, now).await
}

fn invalid_link() -> AppError {
    AppError::NotFound("This rating link is not valid. Please use the link in our message as it came.".into())
}

/// Records a click on a rating link (`comment`: `None` keeps the comment given before).
pub async fn rate(
    ingestion: &Ingestion,
    signer: &LinkSigner<'_>,
    token: &str,
    score: i64,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RatingView, AppError> {
    let id = ratings::request_of(signer.secret, token).ok_or_else(invalid_link)?;
    if !(1..=5).contains(&score) {
        return Err(AppError::invalid("score", "A rating is a whole number from 1 to 5."));
    }
    let comment = comment.map(str::trim);
    if let Some(comment) = comment {
        if let Some(character) = crate::domain::text_input::forbidden_control_character(comment) {
            return Err(AppError::invalid("comment", crate::domain::text_input::control_character_problem(character)));
        }
        let length = comment.chars().count();
        if length > MAX_COMMENT_CHARS {
            return Err(AppError::invalid("comment", format!("Keep the comment under {MAX_COMMENT_CHARS} characters (it has {length}).")));
        }
    }
    let request = stored::request(&ingestion.db, id).await?.ok_or_else(invalid_link)?;
    let view = |score: i64, comment: Option<String>, rated_at: Option<DateTime<Utc>>, refused: Option<String>| RatingView {
        score,
        comment,
        subject: request.subject.clone(),
        changeable_until: rated_at.map(|at| at + Duration::days(CHANGE_DAYS)).filter(|until| *until >= now),
        links: signer.links(id),
        refused,
    };
    match window(request.expires_at, request.rated_at, now) {
        Window::Expired => {
            return Ok(view(
                0,
                None,
                None,
                Some(format!(
                    "This rating link expired {} days after we sent it. Thank you all the same — you can always write to us.",
                    ratings::LINK_DAYS
                )),
            ));
        }
        Window::Settled => {
            let score = request.score.unwrap_or(score);
            let refused = format!(
                "Your rating ({score} — {}) is final: a rating can be changed for {CHANGE_DAYS} days.",
                ratings::score_label(score)
            );
            return Ok(view(score, request.comment.clone(), request.rated_at, Some(refused)));
        }
        Window::Open => {}
    }
    let key = format!("rating-request:{id}");
    let (comment, rated_at) = match request.rated_at {
        None => {
            let comment = comment.filter(|comment| !comment.is_empty());
            let recorded = record_rating(ingestion, request.customer_id, request.conversation_id, &key, score, comment, now).await?;
            let first = stored::record_first(&ingestion.db, id, recorded.event_id, score, comment, now).await?;
            if !(first && recorded.created) {
                // Another click got there first (two at once, or a retry after a crash between
                // the event and the request): this click changes that rating.
                change_rating(ingestion, id, score, comment, now).await?;
            }
            (comment.map(str::to_string), now)
        }
        Some(rated_at) => {
            let comment = match comment {
                Some(given) => Some(given.to_string()).filter(|given| !given.is_empty()),
                None => request.comment.clone(),
            };
            change_rating(ingestion, id, score, comment.as_deref(), now).await?;
            ingestion.realtime.publish(crate::domain::workspace::InboxChange::Update, request.conversation_id);
            (comment, rated_at)
        }
    };
    Ok(view(score, comment, Some(rated_at), None))
}
