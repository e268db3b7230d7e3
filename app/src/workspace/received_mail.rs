//! `/workspace/mail`: every mail the SMTP receiver accepted, newest first, with what became of
//! it — a message (with its conversation), automatic mail, unreadable (with the reason), or
//! nothing new — and its original for inspection. Agents and admins only.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[cfg(feature = "ssr")]
use crate::domain::channels::mail::RECEIVED_PAGE_SIZE;
use crate::domain::channels::mail::{ReceivedListing, ReceivedMail, OUTCOMES};
use crate::domain::format::{thousands, when};
use crate::error::AppError;
use crate::shell::frame::StaffPage;
use crate::shell::notice::loaded;
use crate::shell::paging::{page_query, Pager};

/// One page of received mail; `outcome` is empty (all) or one outcome.
#[server(prefix = "/api", endpoint = "channels/received_mail")]
pub async fn load_received_mail(outcome: String, page: i64) -> Result<ReceivedListing, AppError> {
    use crate::auth::guard::{require, Access};
    use crate::domain::accounts::WORKSPACE_ROLES;
    require(Access::Roles(WORKSPACE_ROLES)).await?;
    if !outcome.is_empty() && !OUTCOMES.iter().any(|(key, _)| *key == outcome) {
        let known: Vec<&str> = OUTCOMES.iter().map(|(key, _)| *key).collect();
        return Err(AppError::invalid("outcome", format!("Unknown outcome \"{outcome}\"; choose one of {}.", known.join(", "))));
    }
    if page < 1 {
        return Err(AppError::invalid("page", "Page numbers start at 1."));
    }
    let db = crate::state::app_state()?.db;
    let mut rows = crate::data::inbound_mail::list(&db, &outcome, RECEIVED_PAGE_SIZE + 1, (page - 1) * RECEIVED_PAGE_SIZE).await?;
    let has_more = rows.len() as i64 > RECEIVED_PAGE_SIZE;
    rows.truncate(RECEIVED_PAGE_SIZE as usize);
    Ok(ReceivedListing { rows, counts: crate::data::inbound_mail::counts(&db).await?, outcome, page, has_more })
}

#[component]
pub fn ReceivedMailPage() -> impl IntoView {
    let query = use_query_map();
    let page = page_query();
    let outcome = move || query.read().get("outcome").unwrap_or_default();
    let data = Resource::new(move || (outcome(), page()), |(outcome, page)| load_received_mail(outcome, page));
    view! {
        <StaffPage title="Received mail" class="received-mail">
            <p class="meta">"Every mail Rapport's mail receiver accepted, kept as it came. Automatic and unreadable mail is never scored."</p>
            {loaded(data, move |listing| view! { <ReceivedTable listing/> }.into_any())}
        </StaffPage>
    }
}

#[component]
fn ReceivedTable(listing: ReceivedListing) -> impl IntoView {
    let total: i64 = listing.counts.iter().map(|(_, count)| count).sum();
    let count_of = |key: &str| listing.counts.iter().find(|(outcome, _)| outcome == key).map(|(_, count)| *count).unwrap_or(0);
    let mut tabs = vec![(String::new(), "All".to_string(), total)];
    tabs.extend(OUTCOMES.iter().map(|(key, label)| (key.to_string(), label.to_string(), count_of(key))).filter(|(_, _, count)| *count > 0));
    let current = listing.outcome.clone();
    let base = if current.is_empty() { "/workspace/mail".to_string() } else { format!("/workspace/mail?outcome={current}") };
    view! {
        <nav class="sort-tabs" aria-label="What became of it">
            {tabs.into_iter().map(|(key, label, count)| {
                let href = if key.is_empty() { "/workspace/mail".to_string() } else { format!("/workspace/mail?outcome={key}") };
                view! { <a href=href aria-current=(current == key).then_some("page")>{format!("{label} ({})", thousands(count))}</a> }
            }).collect_view()}
        </nav>
        {if listing.rows.is_empty() {
            view! { <p class="empty">"No mail here."</p> }.into_any()
        } else {
            view! {
                <table class="inbox received-mail__table">
                    <thead><tr>
                        <th scope="col">"Received"</th><th scope="col">"From"</th><th scope="col">"What became of it"</th><th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {listing.rows.into_iter().map(|mail| view! { <ReceivedLine mail/> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Pager base page=listing.page has_more=listing.has_more previous_label="Newer" next_label="Older"/>
    }
}

#[component]
fn ReceivedLine(mail: ReceivedMail) -> impl IntoView {
    let label = OUTCOMES.iter().find(|(key, _)| *key == mail.outcome).map(|(_, label)| *label).unwrap_or("Unknown");
    let from = if mail.envelope_from.is_empty() { "(no sender: a bounce)".to_string() } else { mail.envelope_from.clone() };
    let size = if mail.size_bytes < 1024 { format!("{} bytes", mail.size_bytes) } else { format!("{} KB", mail.size_bytes / 1024) };
    view! {
        <tr class=format!("received-mail__row received-mail__row--{}", mail.outcome)>
            <td>{when(mail.received_at)}<span class="meta">{format!(" · #{} · {size}", mail.id)}</span></td>
            <td>{from}</td>
            <td>
                <strong>{label}</strong>
                {mail.conversation_id.map(|id| {
                    let href = match mail.message_id {
                        Some(message) => format!("/workspace/c/{id}#message-{message}"),
                        None => format!("/workspace/c/{id}"),
                    };
                    view! { " · "<a href=href>{format!("Conversation #{id}")}</a> }
                })}
                {mail.note.clone().map(|note| view! { <p class="meta">{note}</p> })}
            </td>
            <td><a href=format!("/workspace/mail/{}/original", mail.id) rel="external">"Original"</a></td>
        </tr>
    }
}
