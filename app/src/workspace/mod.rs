//! The agent workspace: the inbox and conversations.

pub mod api;
mod composer;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod model;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::shell::format::{duration_between, when};
use crate::shell::notice::loaded;
use crate::shell::paging::{id_param, page_query, Pager};
use composer::ReplyComposer;

#[component]
pub fn InboxPage() -> impl IntoView {
    let page = page_query();
    let inbox = Resource::new(page, api::inbox);
    view! {
        <Title text="Inbox"/>
        <section class="workspace">
            {loaded(inbox, move |inbox| {
                            let now = inbox.now;
                            view! {
                                <header class="workspace__header">
                                    <h1>"Inbox"</h1>
                                    <ul class="counts" aria-label="Conversation counts">
                                        <li>"Open "<strong>{inbox.counts.open}</strong></li>
                                        <li>"Pending "<strong>{inbox.counts.pending}</strong></li>
                                        <li>"Unassigned "<strong>{inbox.counts.unassigned}</strong></li>
                                        <li>"Mine "<strong>{inbox.counts.mine}</strong></li>
                                    </ul>
                                </header>
                                {if inbox.rows.is_empty() {
                                    view! { <p class="empty">"No open conversations. Inbox zero!"</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="inbox">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Customer"</th>
                                                    <th scope="col">"Subject"</th>
                                                    <th scope="col">"Channel"</th>
                                                    <th scope="col">"Priority"</th>
                                                    <th scope="col">"Waiting"</th>
                                                    <th scope="col">"Assignee"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {inbox.rows.into_iter().map(|row| view! {
                                                    <tr>
                                                        <td>{row.customer_name}</td>
                                                        <td><a href=format!("/workspace/c/{}", row.id)>{row.subject}</a></td>
                                                        <td>{row.channel}</td>
                                                        <td><span class=format!("priority priority--{}", row.priority)>{row.priority.clone()}</span></td>
                                                        <td>{row.waiting_since.map(|since| duration_between(since, now)).unwrap_or_else(|| "—".into())}</td>
                                                        <td>{row.assignee_name.unwrap_or_else(|| "Unassigned".into())}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                                <Pager base="/workspace".to_string() page=inbox.page has_more=inbox.has_more previous_label="← Previous" next_label="Next →"/>
                            }.into_any()
                        })}
        </section>
    }
}

#[component]
pub fn ConversationPage() -> impl IntoView {
    let id = id_param("id");
    let send = ServerAction::<api::SendReply>::new();
    let data = Resource::new(
        move || (id(), send.version().get()),
        |(id, _)| api::conversation(id),
    );
    view! {
        <section class="workspace">
            {loaded(data, move |page| {
                            let conversation = page.conversation;
                            view! {
                                <Title text=conversation.subject.clone()/>
                                <nav class="breadcrumbs" aria-label="Breadcrumb"><A href="/workspace">"Inbox"</A></nav>
                                <h1>{conversation.subject.clone()}</h1>
                                <p class="meta">
                                    {format!("{} · {} · {} · {} priority",
                                        conversation.customer_name,
                                        page.customer_email.unwrap_or_else(|| "no email".into()),
                                        conversation.channel,
                                        conversation.priority)}
                                </p>
                                {page.guidance.map(|g| view! {
                                    <p class=format!("guidance guidance--{}", g.approach.key())>
                                        <strong>{g.approach.label()}</strong>": "{g.reason}
                                    </p>
                                })}
                                <ol class="messages">
                                    {page.messages.into_iter().map(|message| view! {
                                        <li class=format!("message message--{}", message.direction)>
                                            <header>
                                                <strong>{message.author_name.unwrap_or_else(|| "Unknown".into())}</strong>
                                                " "<time datetime=message.created_at.to_rfc3339()>{when(message.created_at)}</time>
                                            </header>
                                            <p>{message.body}</p>
                                        </li>
                                    }).collect_view()}
                                </ol>
                                <ReplyComposer conversation_id=conversation.id context=page.tone_context send=send/>
                            }.into_any()
                        })}
        </section>
    }
}
