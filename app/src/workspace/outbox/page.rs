//! `/workspace/outbox`: every message to customers with its delivery state — waiting for the
//! mail server, sent, or not sent and why — newest first, with stable filter URLs.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::shell::frame::StaffPage;
use crate::workspace::outbox::api::load_outbox;

use crate::domain::format::{thousands, when};
use crate::domain::outbox::{OutboxListing, OutboxRow};
use crate::shell::notice::{form_error, loaded, FormError};
use crate::shell::paging::{page_query, Pager};
use crate::shell::row_action::RowAction;
use crate::workspace::outbox::api::SendAgain;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let page = page_query();
    let delivery = move || query.read().get("delivery").unwrap_or_default();
    let send_again = ServerAction::<SendAgain>::new();
    let data = Resource::new(move || (delivery(), page(), send_again.version().get()), |(delivery, page, _)| load_outbox(delivery, page));
    let error = form_error(send_again.value(), "outbox/send_again");
    view! {
        <StaffPage title="Outbox" class="outbox">
            <FormError message=error/>
            {loaded(data, move |listing| view! { <OutboxTable listing send_again/> }.into_any())}
        </StaffPage>
    }
}

#[component]
fn OutboxTable(listing: OutboxListing, send_again: ServerAction<SendAgain>) -> impl IntoView {
    let counts = listing.counts.clone();
    let tabs = [
        ("", "All", counts.pending + counts.sent + counts.not_sent),
        ("pending", "Waiting", counts.pending),
        ("sent", "Sent", counts.sent),
        ("not_sent", "Not sent", counts.not_sent),
    ];
    let current = listing.delivery.clone();
    let base = if current.is_empty() { "/workspace/outbox".to_string() } else { format!("/workspace/outbox?delivery={current}") };
    let transport = listing.transport;
    view! {
        <p class="meta">
            {if transport {
                "Messages are handed to the mail server as they come due; failures are tried again (after 1, 5, 25 and 125 minutes) before they are given up."
            } else {
                "No mail transport is configured (RAPPORT_SMTP_URL), so messages stay here marked “not sent”. Configure one and send them again."
            }}
        </p>
        <nav class="sort-tabs" aria-label="Delivery">
            {tabs.into_iter().map(|(key, label, count)| {
                let href = if key.is_empty() { "/workspace/outbox".to_string() } else { format!("/workspace/outbox?delivery={key}") };
                view! { <a href=href aria-current=(current == key).then_some("page")>{format!("{label} ({})", thousands(count))}</a> }
            }).collect_view()}
        </nav>
        {if listing.rows.is_empty() {
            view! { <p class="empty">"No messages here."</p> }.into_any()
        } else {
            view! {
                <table class="inbox outbox__table">
                    <thead><tr>
                        <th scope="col">"Queued"</th><th scope="col">"To"</th><th scope="col">"Message"</th>
                        <th scope="col">"Delivery"</th><th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {listing.rows.into_iter().map(|row| view! { <OutboxLine row transport send_again/> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Pager base page=listing.page has_more=listing.has_more previous_label="Newer" next_label="Older"/>
    }
}

#[component]
fn OutboxLine(row: OutboxRow, transport: bool, send_again: ServerAction<SendAgain>) -> impl IntoView {
    let state = match row.delivery.as_str() {
        "sent" => format!("sent {}", row.delivered_at.map(when).unwrap_or_default()),
        "pending" if row.delivery_note.as_deref().is_some_and(|note| note.starts_with("held:")) => "held".to_string(),
        "pending" if row.attempts > 0 => format!("waiting · {} attempts", row.attempts),
        "pending" => "waiting for the mail server".to_string(),
        _ => "not sent".to_string(),
    };
    let to = match &row.customer_email {
        Some(email) => format!("{} <{email}>", row.customer_name),
        None => format!("{} (no email address)", row.customer_name),
    };
    let retry = transport && row.delivery == "not_sent";
    view! {
        <tr class=format!("outbox__row outbox__row--{}", row.delivery)>
            <td>{when(row.created_at)}</td>
            <td>
                {to}
                {row.conversation_id.map(|id| view! { <br/><a href=format!("/workspace/c/{id}")>{format!("Conversation #{id}")}</a> })}
            </td>
            <td>
                <strong>{row.subject.clone()}</strong><span class="meta">{format!(" · {}", row.channel)}</span>
                <p class="outbox__body">{row.body.clone()}</p>
            </td>
            <td>
                <span class=format!("delivery-state delivery-state--{}", row.delivery)>{state}</span>
                {row.delivery_note.clone().map(|note| {
                    // "not sent: no mail transport" under "not sent" needs only the reason.
                    let reason = note.strip_prefix("not sent: ").map(str::to_string).unwrap_or(note);
                    view! { <p class="meta outbox__note">{reason}</p> }
                })}
            </td>
            <td>
                {retry.then(|| view! { <RowAction action=send_again id=row.id label="Send again"/> })}
            </td>
        </tr>
    }
}
