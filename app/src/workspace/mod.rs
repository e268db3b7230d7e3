//! The agent workspace: the inbox and conversations.

pub mod api;
mod composer;
mod inbox;
pub use inbox::InboxPage;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod model;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::shell::format::when;
use crate::shell::notice::loaded;
use crate::shell::paging::id_param;
use composer::ReplyComposer;

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
