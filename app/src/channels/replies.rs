//! Sending an agent's reply on its conversation's channel, and sending a failed one again.

use chrono::{DateTime, Utc};

use crate::data::conversations::{self, ReplyTone};
use crate::data::deliveries::{self, Carrier, Outgoing, ReplyContext};
use crate::data::forum_posting::{self, HoldFirstPosts};
use crate::data::{DataError, Db};
use crate::domain::channels::{reply_subject, Delivery, Route};
use crate::domain::webhooks::WebhookEvent;

/// An agent's reply as written.
pub struct Reply<'a> {
    pub author_user_id: i64,
    pub author_name: &'a str,
    pub body: &'a str,
    pub tone: ReplyTone<'a>,
}

/// The body of the `message.outbound` webhook for one message: everything the integrator
/// needs to deliver it on its own system. A rating request carries its five `rating_links`
/// (score 1 first); other messages an empty list.
pub fn outbound_payload(
    context: &ReplyContext,
    message_id: i64,
    body: &str,
    agent_name: &str,
    sent_at: DateTime<Utc>,
    rating_links: &[String],
) -> String {
    crate::webhooks::delivery_body(
        WebhookEvent::MessageOutbound,
        serde_json::json!({
            "message_id": message_id,
            "conversation_id": context.conversation_id,
            "channel": context.channel,
            "subject": context.subject,
            "body": body,
            "sent_at": sent_at,
            "agent": {"name": agent_name},
            "customer": {
                "id": context.customer_id,
                "external_ref": context.customer_ref,
                "name": context.customer_name,
                "email": context.customer_email,
            },
            "report_to": format!("/api/v1/messages/{message_id}/delivery"),
            "rating_links": rating_links,
        }),
    )
}

fn carrier_for<'a>(
    context: &ReplyContext,
    subject: &'a str,
    mail_transport: bool,
    payload: &'a (dyn Fn(i64) -> String + Send + Sync),
) -> Carrier<'a> {
    match (context.channel.route(), context.thread_id) {
        (Route::Mail, _) => Carrier::Mail { subject, transport: mail_transport },
        (Route::Forum, Some(_)) => Carrier::Forum,
        // Forum conversations an integration sent (no thread here) go back to it.
        _ => Carrier::Webhook { payload },
    }
}

/// Writes the reply and sends it on its way; a forum reply is posted in its thread at once.
/// `mail_transport`: whether mail can be sent at all (an SMTP transport is configured).
/// Returns the message and its delivery state; `None` when the conversation does not exist.
pub async fn send(
    db: &Db,
    context: &ReplyContext,
    reply: &Reply<'_>,
    mail_transport: bool,
    now: DateTime<Utc>,
) -> Result<Option<(i64, Delivery)>, DataError> {
    let subject = reply_subject(&context.subject);
    let payload = |message_id: i64| outbound_payload(context, message_id, reply.body, reply.author_name, now, &[]);
    let carrier = carrier_for(context, &subject, mail_transport, &payload);
    let Some((message_id, state)) = conversations::add_reply(
        db,
        context,
        reply.author_user_id,
        reply.body,
        ReplyTone { seen: reply.tone.seen, sent: reply.tone.sent },
        &carrier,
        now,
    )
    .await?
    else {
        return Ok(None);
    };
    match (&carrier, context.thread_id) {
        (Carrier::Forum, Some(thread_id)) => {
            let state = post_in_thread(db, thread_id, reply.author_user_id, message_id, reply.body, now).await?;
            Ok(Some((message_id, state)))
        }
        _ => Ok(Some((message_id, state))),
    }
}

/// Sends a failed message again the way its channel sends; returns its state and its
/// conversation. `DataError::NotFound` when there is no such outgoing message;
/// `DataError::Conflict` when it has not failed.
pub async fn send_again(db: &Db, message_id: i64, mail_transport: bool, now: DateTime<Utc>) -> Result<(Delivery, i64), DataError> {
    let message: Outgoing = deliveries::outgoing(db, message_id).await?.ok_or(DataError::NotFound)?;
    let context = deliveries::reply_context(db, message.conversation_id).await?.ok_or(DataError::NotFound)?;
    let subject = reply_subject(&context.subject);
    let agent = message.author_name.clone().unwrap_or_default();
    let payload = |id: i64| outbound_payload(&context, id, &message.body, &agent, message.created_at, &[]);
    let carrier = carrier_for(&context, &subject, mail_transport, &payload);
    let forum_author = match (&carrier, context.thread_id) {
        (Carrier::Forum, Some(thread_id)) => Some((
            thread_id,
            message
                .author_user_id
                .ok_or_else(|| DataError::Conflict("The agent who wrote this reply no longer exists: write it again.".into()))?,
        )),
        _ => None,
    };
    let state = deliveries::send_again(db, &message, &context, &carrier, now).await?;
    let state = match forum_author {
        Some((thread_id, author)) => post_in_thread(db, thread_id, author, message_id, &message.body, now).await?,
        None => state,
    };
    Ok((state, message.conversation_id))
}

/// Posts a reply in its forum thread under the staff badge and records how that went: a
/// thread that takes no posts (locked, removed) leaves the reply failed with the reason.
async fn post_in_thread(
    db: &Db,
    thread_id: i64,
    author_user_id: i64,
    message_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Delivery, DataError> {
    match forum_posting::add_post(db, thread_id, author_user_id, body, true, now, HoldFirstPosts::default()).await {
        Ok(_) => {
            deliveries::mark(db, message_id, Delivery::Delivered, None, now).await?;
            Ok(Delivery::Delivered)
        }
        Err(DataError::Conflict(why)) => {
            deliveries::mark(db, message_id, Delivery::Failed, Some(&format!("not posted on the forum: {why}")), now).await?;
            Ok(Delivery::Failed)
        }
        Err(DataError::NotFound) => {
            deliveries::mark(db, message_id, Delivery::Failed, Some("not posted on the forum: the thread no longer exists"), now).await?;
            Ok(Delivery::Failed)
        }
        Err(other) => {
            deliveries::mark(db, message_id, Delivery::Failed, Some("not posted on the forum: the database failed; send it again"), now)
                .await?;
            Err(other)
        }
    }
}
