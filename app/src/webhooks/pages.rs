//! The webhook settings page: endpoints, their secrets, and the delivery log.

use leptos::prelude::*;

use super::api::{load_webhooks, AddWebhook, DeleteWebhook};
use crate::domain::format::when;
use crate::domain::webhooks::WebhookEvent;
use crate::shell::frame::StaffPage;
use crate::shell::notice::{form_error, loaded, FormError};
use crate::shell::row_action::RowAction;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let data = Resource::new(move || (add.version().get(), delete.version().get()), |_| load_webhooks());
    let error = form_error(add.value(), "webhooks/add");
    view! {
        <StaffPage title="Webhooks">
            <p class="meta">
                "Rapport POSTs JSON to your endpoint for each event, signed: "
                <code>"X-Rapport-Signature: sha256=HMAC-SHA256(secret, \"{X-Rapport-Timestamp}.{body}\")"</code>
                ". Failed deliveries are retried 6 times with growing pauses (30 s to 8 min)."
            </p>
            <ActionForm action=add attr:class="stack-form panel" attr:novalidate=true>
                <h2>"Add an endpoint"</h2>
                <FormError message=error/>
                <label for="webhook-url">"Endpoint URL"</label>
                <input id="webhook-url" name="url" type="url" placeholder="https://example.com/rapport-events"/>
                <fieldset>
                    <legend>"Events"</legend>
                    {WebhookEvent::ALL
                        .into_iter()
                        .map(|event| view! {
                            <label class="checkbox">
                                <input type="checkbox" name=event.form_field() value="yes" checked=event == WebhookEvent::RiskRaised/>
                                {format!(" {} — {}", event.name(), event.meaning())}
                            </label>
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="button button--small">"Add endpoint"</button>
            </ActionForm>
            {loaded(data, move |page| view! {
                <h2>"Endpoints"</h2>
                {if page.webhooks.is_empty() {
                    view! { <p class="empty">"No endpoints yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="inbox webhooks">
                            <thead><tr><th scope="col">"URL"</th><th scope="col">"Events"</th><th scope="col">"Signing secret"</th><th scope="col">"Added"</th><th scope="col"></th></tr></thead>
                            <tbody>
                                {page.webhooks.into_iter().map(|w| view! {
                                    <tr>
                                        <td>{w.url}</td>
                                        <td>{w.events}</td>
                                        <td><code class="secret">{w.secret}</code></td>
                                        <td>{when(w.created_at)}</td>
                                        <td><RowAction action=delete id=w.id label="Remove"/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <h2>"Delivery log"</h2>
                {if page.deliveries.is_empty() {
                    view! { <p class="empty">"Nothing sent yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="inbox deliveries">
                            <thead><tr><th scope="col">"Queued"</th><th scope="col">"Event"</th><th scope="col">"URL"</th><th scope="col">"State"</th><th scope="col">"Attempts"</th><th scope="col">"Last answer"</th></tr></thead>
                            <tbody>
                                {page.deliveries.into_iter().map(|d| {
                                    let answer = match (d.last_status, d.last_error.clone()) {
                                        (_, Some(error)) => error,
                                        (Some(status), None) => format!("HTTP {status}"),
                                        (None, None) => "—".to_string(),
                                    };
                                    let state = if d.state == "pending" && d.attempts > 0 {
                                        format!("retrying at {}", d.next_attempt_at.format("%H:%M:%S UTC"))
                                    } else {
                                        d.state.clone()
                                    };
                                    view! {
                                        <tr class=format!("delivery delivery--{}", d.state)>
                                            <td>{when(d.created_at)}</td>
                                            <td>{d.event}</td>
                                            <td>{d.url}</td>
                                            <td>{state}</td>
                                            <td>{d.attempts}</td>
                                            <td>{answer}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            }.into_any())}
        </StaffPage>
    }
}
