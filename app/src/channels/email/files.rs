//! Received mail in the workspace: the files attached to a customer's mail, listed under the
//! message and downloaded from the raw mail they came in (never stored twice), and the
//! original of any received mail for inspection (`/workspace/mail/{id}/original`). Agents and
//! admins only; files are always sent as downloads, never shown inline, so an HTML attachment
//! cannot run in Rapport's origin.

use axum::extract::{Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use mail_parser::{MessageParser, MimeHeaders};

use crate::data::{inbound_mail, DataError, Db};
use crate::domain::accounts::WORKSPACE_ROLES;
use crate::domain::workspace::{AttachmentView, AutomaticMailView, ConversationPage};
use crate::error::AppError;
use crate::state::AppState;

pub fn attachment_href(inbound_mail_id: i64, position: i64) -> String {
    format!("/workspace/mail/{inbound_mail_id}/attachments/{position}")
}

pub fn original_href(inbound_mail_id: i64) -> String {
    format!("/workspace/mail/{inbound_mail_id}/original")
}

/// Adds the attachments and the automatic mail of the page's conversation.
pub async fn attach_to_page(db: &Db, page: &mut ConversationPage) -> Result<(), DataError> {
    let conversation = page.conversation.id;
    for attachment in inbound_mail::attachments_of_conversation(db, conversation).await? {
        if let Some(message) = page.messages.iter_mut().find(|message| message.id == attachment.message_id) {
            message.attachments.push(AttachmentView {
                href: attachment_href(attachment.inbound_mail_id, attachment.position),
                filename: attachment.filename,
                content_type: attachment.content_type,
                size_bytes: attachment.size_bytes,
            });
        }
    }
    page.automatic_mail = inbound_mail::automatic_of_conversation(db, conversation)
        .await?
        .into_iter()
        .map(|mail| AutomaticMailView {
            received_at: mail.received_at,
            from: mail.envelope_from,
            note: mail.note,
            href: original_href(mail.id),
        })
        .collect();
    Ok(())
}

fn refuse(error: AppError) -> Response {
    (error.status(), [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], error.to_string()).into_response()
}

async fn workspace_only(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    match crate::auth::guard::viewer_from_parts(state, parts).await? {
        Some(viewer) if viewer.may_enter(WORKSPACE_ROLES) => Ok(()),
        Some(_) => Err(AppError::Forbidden("Received mail is for agents and admins.".into())),
        None => Err(AppError::sign_in()),
    }
}

async fn raw_of(state: &AppState, id: i64) -> Result<Vec<u8>, AppError> {
    match inbound_mail::raw(&state.db, id).await {
        Ok(Some(raw)) => Ok(raw),
        Ok(None) => Err(AppError::NotFound("No received mail has this number.".into())),
        Err(error) => {
            tracing::warn!(%error, id, "could not read a received mail");
            Err(AppError::Internal)
        }
    }
}

/// A name safe in a `Content-Disposition` header.
fn download_name(name: &str) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let safe = safe.trim_matches('.').to_string();
    if safe.is_empty() {
        "attachment".into()
    } else {
        safe.chars().take(120).collect()
    }
}

fn download(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", download_name(name))),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn attachment(State(state): State<AppState>, Path((id, position)): Path<(i64, usize)>, parts: Parts) -> Response {
    if let Err(error) = workspace_only(&state, &parts).await {
        return refuse(error);
    }
    let raw = match raw_of(&state, id).await {
        Ok(raw) => raw,
        Err(error) => return refuse(error),
    };
    let found = MessageParser::default().parse(&raw).and_then(|message| {
        message
            .attachments()
            .nth(position)
            .map(|part| (part.contents().to_vec(), part.attachment_name().unwrap_or("attachment").to_string()))
    });
    match found {
        Some((bytes, name)) => download(bytes, &name),
        None => refuse(AppError::NotFound("This mail has no such attachment.".into())),
    }
}

pub async fn original(State(state): State<AppState>, Path(id): Path<i64>, parts: Parts) -> Response {
    if let Err(error) = workspace_only(&state, &parts).await {
        return refuse(error);
    }
    match raw_of(&state, id).await {
        Ok(raw) => download(raw, &format!("received-mail-{id}.eml")),
        Err(error) => refuse(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_cannot_break_the_header() {
        assert_eq!(download_name("facture.pdf"), "facture.pdf");
        assert_eq!(download_name("a\"b\r\nX: y.html"), "a_b__X__y.html");
        assert_eq!(download_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(download_name(""), "attachment");
    }
}
