//! One conversation: the thread with every customer message annotated by the engine (evidence
//! highlighted), the customer panel, the actions (assign, priority, note, resolve) and the
//! reply composer. Every form works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::channels::api::SendAgain;
use crate::domain::channels::{Delivery, Direction};
use crate::domain::format::when;
use crate::domain::workspace::{Assignee, AttachmentView, AutomaticMailView, CustomerPanel, EventView, MessageView, PRIORITIES};
use crate::emotion::text::highlight;
use crate::emotion::Analysis;
use crate::shell::notice::{form_error, loaded, FormError};
use crate::shell::paging::id_param;
use crate::workspace::api::{self, AddNote, AssignConversation, ResolveConversation, SendReply, SetPriority};
use crate::workspace::chart::SentimentChart;
use crate::workspace::composer::ReplyComposer;
use crate::workspace::journey_panel::JourneyActions;
use crate::workspace::journey_panel::JourneyPanel;
use crate::workspace::journey_panel::StartJourney;

#[component]
pub fn ConversationPage() -> impl IntoView {
    let id = id_param("id");
    let send = ServerAction::<SendReply>::new();
    let note = ServerAction::<AddNote>::new();
    let assign = ServerAction::<AssignConversation>::new();
    let priority = ServerAction::<SetPriority>::new();
    let resolve = ServerAction::<ResolveConversation>::new();
    let send_again = ServerAction::<SendAgain>::new();
    let send_again_error = form_error(send_again.value(), "channels/send_again");
    let journey_actions = JourneyActions::new();
    // The conversation reloads when the server announces a change to it (a customer's
    // message, a delivery state from the mail or webhook worker, a rating).
    let changes = RwSignal::new(0_u64);
    let this_conversation = id.clone();
    crate::realtime::use_conversation_updates(move || untrack(&this_conversation), move || changes.update(|n| *n += 1));
    let data = Resource::new(
        move || {
            (
                id(),
                changes.get(),
                send.version().get(),
                note.version().get(),
                assign.version().get(),
                priority.version().get(),
                resolve.version().get(),
                send_again.version().get(),
                journey_actions.version(),
            )
        },
        |(id, ..)| api::conversation(id),
    );
    view! {
        <section class="workspace conversation">
            <crate::workspace::keyboard::KeyboardShortcuts/>
            {loaded(data, move |page| {
                let conversation = page.conversation;
                let public = conversation.channel.is_public();
                let resolved = conversation.status.is_done();
                view! {
                    <Title text=conversation.subject.clone()/>
                    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/workspace">"Inbox"</a></nav>
                    <div class="conversation__layout">
                        <div class="conversation__main">
                            <h1>{conversation.subject.clone()}</h1>
                            <p class="meta">
                                <span class=format!("risk risk--{}", conversation.risk_level)>{format!("{} {}", conversation.risk_level, conversation.risk_score)}</span>
                                {format!(" {} · {} · {} · {} priority · {}",
                                    conversation.customer_name,
                                    page.customer_email.clone().unwrap_or_else(|| "no email".into()),
                                    conversation.channel,
                                    conversation.priority,
                                    conversation.status)}
                            </p>
                            {page.guidance.map(|g| view! {
                                <p class=format!("guidance guidance--{}", g.approach.key())>
                                    <strong>{g.approach.label()}</strong>": "{g.reason}
                                </p>
                            })}
                            {page.resolution_summary.clone().filter(|_| resolved).map(|summary| view! {
                                <p class="resolution"><strong>"Resolved: "</strong>{summary}</p>
                            })}
                            <ol class="messages">
                                {page.messages.into_iter().map(|message| view! { <Message message=message send_again=send_again/> }).collect_view()}
                            </ol>
                            <AutomaticMail mail=page.automatic_mail/>
                            <FormError message=send_again_error/>
                            <ReplyComposer conversation_id=conversation.id context=page.tone_context send=send public=public/>
                        </div>
                        <aside class="conversation__side" aria-label="Customer and actions">
                            <Actions
                                conversation_id=conversation.id
                                assignees=page.assignees
                                assignee_id=page.assignee_id
                                priority_now=conversation.priority.clone()
                                resolved=resolved
                                assign=assign priority=priority note=note resolve=resolve
                            />
                            {match page.journey {
                                Some(journey) if journey.is_open() => view! {
                                    <JourneyPanel conversation_id=conversation.id journey actions=journey_actions/>
                                }.into_any(),
                                Some(journey) => view! {
                                    <JourneyPanel conversation_id=conversation.id journey actions=journey_actions/>
                                    <StartJourney conversation_id=conversation.id actions=journey_actions templates=page.journey_templates ended=true/>
                                }.into_any(),
                                None => view! {
                                    <StartJourney conversation_id=conversation.id actions=journey_actions templates=page.journey_templates ended=false/>
                                }.into_any(),
                            }}
                            {page.customer.map(|customer| view! { <Customer panel=customer/> })}
                        </aside>
                    </div>
                }.into_any()
            })}
        </section>
    }
}

#[component]
fn Message(message: MessageView, send_again: ServerAction<SendAgain>) -> impl IntoView {
    let author = message.author_name.clone().unwrap_or_else(|| "Unknown".into());
    let label = match message.direction {
        Direction::Note => " · internal note",
        Direction::Inbound | Direction::Outbound => "",
    };
    let body = match &message.analysis {
        Some(analysis) => annotated_body(&message.body, analysis).into_any(),
        None => view! { <p>{message.body.clone()}</p> }.into_any(),
    };
    let delivery = message
        .delivery
        .as_deref()
        .and_then(Delivery::from_key)
        .map(|state| view! { <DeliveryState message_id=message.id state note=message.delivery_note.clone() send_again/> });
    view! {
        <li class=format!("message message--{}", message.direction) id=format!("message-{}", message.id)>
            <header>
                <strong>{author}</strong>{label}
                " "<time datetime=message.created_at.to_rfc3339()>{when(message.created_at)}</time>
            </header>
            {body}
            <Attachments attachments=message.attachments/>
            {delivery}
            {message.analysis.map(|analysis| view! { <Annotations analysis=analysis/> })}
        </li>
    }
}

/// Files the customer attached to their mail, each a download.
#[component]
fn Attachments(attachments: Vec<AttachmentView>) -> impl IntoView {
    (!attachments.is_empty()).then(|| {
        view! {
            <ul class="message__attachments" aria-label="Attachments">
                {attachments.into_iter().map(|file| view! {
                    <li>
                        <a href=file.href download=file.filename.clone() rel="external">{file.filename.clone()}</a>
                        <span class="meta">{format!(" {} · {}", file.content_type, byte_size(file.size_bytes))}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

fn byte_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Automatic mail received for the conversation: shown so nothing is hidden, never scored.
#[component]
fn AutomaticMail(mail: Vec<AutomaticMailView>) -> impl IntoView {
    (!mail.is_empty()).then(|| {
        view! {
            <details class="automatic-mail">
                <summary>{format!("Automatic mail ({}): not scored, changes nothing", mail.len())}</summary>
                <ul>
                    {mail.into_iter().map(|mail| view! {
                        <li>
                            <time datetime=mail.received_at.to_rfc3339()>{when(mail.received_at)}</time>
                            {format!(" · {} · {} ", mail.from, mail.note.unwrap_or_default())}
                            <a href=mail.href rel="external">"Original"</a>
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

/// Where an outgoing message is on its way to the customer; a failed one can be sent again.
#[component]
fn DeliveryState(message_id: i64, state: Delivery, note: Option<String>, send_again: ServerAction<SendAgain>) -> impl IntoView {
    view! {
        <p class="message__delivery">
            <span class=format!("delivery-state delivery-state--{}", state.key())>{state.label()}</span>
            {note.map(|note| {
                // "Not delivered" already says it; the note gives the reason.
                let reason = note.strip_prefix("not sent: ").map(str::to_string).unwrap_or(note);
                view! { " · "<span class="meta">{reason}</span> }
            })}
            {(state == Delivery::Failed).then(|| view! {
                " "
                <ActionForm action=send_again attr:class="inline-form">
                    <input type="hidden" name="message_id" value=message_id/>
                    <button type="submit" class="link-button">"Send again"</button>
                </ActionForm>
            })}
        </p>
    }
}

/// The message text with the engine's evidence marked, each mark titled with what it shows.
fn annotated_body(body: &str, analysis: &Analysis) -> impl IntoView {
    let mut marks = Vec::new();
    for emotion in &analysis.emotions {
        for e in &emotion.evidence {
            marks.push((e.start, e.end, format!("emotion {}", emotion.emotion.label())));
        }
    }
    for intent in &analysis.intents {
        for e in &intent.evidence {
            marks.push((e.start, e.end, format!("intent {}", intent.intent.label())));
        }
    }
    let segments = highlight(body, &marks);
    view! {
        <p class="message__body">
            {segments.into_iter().map(|segment| match segment.mark {
                Some(label) => {
                    let kind = if label.starts_with("intent") { "evidence evidence--intent" } else { "evidence" };
                    view! { <mark class=kind title=label>{segment.text}</mark> }.into_any()
                }
                None => segment.text.into_any(),
            }).collect_view()}
        </p>
    }
}

#[component]
fn Annotations(analysis: Analysis) -> impl IntoView {
    let tone = if analysis.extended <= -0.05 {
        "negative"
    } else if analysis.extended >= 0.05 {
        "positive"
    } else {
        "neutral"
    };
    view! {
        <ul class="annotations" aria-label="What the engine read">
            <li class=format!("chip chip--{tone}")>{format!("sentiment {:+.2}", analysis.extended)}</li>
            {analysis.emotions.iter().map(|e| view! {
                <li class="chip chip--emotion">{format!("{} {:.0}%", e.emotion.label(), e.intensity * 100.0)}</li>
            }).collect_view()}
            {analysis.intents.iter().map(|i| view! {
                <li class="chip chip--intent">{i.intent.label()}</li>
            }).collect_view()}
            {analysis.situation.as_ref().map(|s| view! { <li class="chip">{s.situation.label()}</li> })}
        </ul>
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn Actions(
    conversation_id: i64,
    assignees: Vec<Assignee>,
    assignee_id: Option<i64>,
    priority_now: String,
    resolved: bool,
    assign: ServerAction<AssignConversation>,
    priority: ServerAction<SetPriority>,
    note: ServerAction<AddNote>,
    resolve: ServerAction<ResolveConversation>,
) -> impl IntoView {
    let assign_error = form_error(assign.value(), "workspace/assign");
    let priority_error = form_error(priority.value(), "workspace/set_priority");
    let note_error = form_error(note.value(), "workspace/add_note");
    let resolve_error = form_error(resolve.value(), "workspace/resolve");
    view! {
        <section class="panel actions" aria-labelledby="actions-title">
            <h2 id="actions-title">"Actions"</h2>
            <ActionForm action=assign attr:class="inline-form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <FormError message=assign_error/>
                <label for="assignee">"Assignee"</label>
                <select id="assignee" name="assignee">
                    <option value="" selected=assignee_id.is_none()>"Unassigned"</option>
                    {assignees.into_iter().map(|a| {
                        let selected = assignee_id == Some(a.id);
                        view! { <option value=a.id.to_string() selected=selected>{a.display_name}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button button--small">"Assign"</button>
            </ActionForm>
            <ActionForm action=assign attr:class="inline-form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <input type="hidden" name="assignee" value="me"/>
                <button type="submit" class="button button--small button--secondary" data-shortcut="assign-me">"Assign to me"</button>
            </ActionForm>
            <ActionForm action=priority attr:class="inline-form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <FormError message=priority_error/>
                <label for="priority">"Priority"</label>
                <select id="priority" name="priority">
                    {PRIORITIES.iter().map(|p| view! { <option value=*p selected=*p == priority_now>{*p}</option> }).collect_view()}
                </select>
                <button type="submit" class="button button--small">"Set"</button>
            </ActionForm>
            <ActionForm action=note attr:class="stack-form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <FormError message=note_error/>
                <label for="note-body">"Internal note"</label>
                <textarea id="note-body" name="body" rows="2" placeholder="Only your team sees this."></textarea>
                <button type="submit" class="button button--small button--secondary">"Add note"</button>
            </ActionForm>
            {(!resolved).then(|| view! {
                <ActionForm action=resolve attr:class="stack-form">
                    <input type="hidden" name="conversation_id" value=conversation_id/>
                    <FormError message=resolve_error/>
                    <label for="resolve-summary">"Resolution summary"</label>
                    <textarea id="resolve-summary" name="summary" rows="2" placeholder="What was wrong, what fixed it."></textarea>
                    <label class="checkbox"><input type="checkbox" name="ask_csat" value="yes" checked=true/>" Ask the customer for a rating"</label>
                    <button type="submit" class="button button--small">"Resolve"</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn Customer(panel: CustomerPanel) -> impl IntoView {
    let traits = panel.traits;
    let csat_average = traits.feedback.csat_average;
    view! {
        <section class="panel customer" aria-labelledby="customer-title">
            <h2 id="customer-title">{panel.profile.name.clone()}</h2>
            <p class="meta">
                {panel.profile.email.clone().unwrap_or_else(|| "no email".into())}
                {panel.profile.plan.clone().map(|p| format!(" · {p} plan"))}
                {format!(" · customer since {}", panel.profile.created_at.format("%b %Y"))}
            </p>
            <h3>"Mood over time"</h3>
            {panel.state.as_ref().map(|s| view! { <p class="customer__state">{s.summary.clone()}</p> })}
            <SentimentChart points=panel.sentiment.clone()/>
            <h3>"Traits"</h3>
            <ul class="customer__traits">
                <li>{traits.writing.label()}</li>
                <li>{format!("storyteller tendency {:.0}%", traits.storyteller * 100.0)}</li>
                <li>{format!("{} thanks, {} complaints", traits.feedback.praise, traits.feedback.complaints)}</li>
            </ul>
            <h3>"CSAT"</h3>
            {if panel.csat.is_empty() {
                view! { <p class="empty">"No ratings yet."</p> }.into_any()
            } else {
                view! {
                    <p>{csat_average.map(|a| format!("Average {a:.1} of 5 from {} ratings", panel.csat.len()))}</p>
                    <ul class="customer__list">{panel.csat.into_iter().take(5).map(|e| view! { <Event event=e/> }).collect_view()}</ul>
                }.into_any()
            }}
            <h3>"Events"</h3>
            {if panel.events.is_empty() {
                view! { <p class="empty">"No purchases or cancellations recorded."</p> }.into_any()
            } else {
                view! { <ul class="customer__list">{panel.events.into_iter().take(8).map(|e| view! { <Event event=e/> }).collect_view()}</ul> }.into_any()
            }}
            <h3>"Previous conversations"</h3>
            {if panel.previous.is_empty() {
                view! { <p class="empty">"This is their first conversation."</p> }.into_any()
            } else {
                view! {
                    <ul class="customer__list">
                        {panel.previous.into_iter().map(|c| view! {
                            <li><a href=format!("/workspace/c/{}", c.id)>{c.subject}</a>
                                <span class="meta">{format!(" {} · {} · {}", c.status, c.channel, c.last_message_at.format("%-d %b %Y"))}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Event(event: EventView) -> impl IntoView {
    let what = match (event.kind.as_str(), event.value) {
        ("csat", Some(v)) => format!("rated {v:.0} of 5"),
        ("purchase", Some(v)) => format!("purchase ${v:.2}"),
        ("return_visit", _) => "came back".to_string(),
        (kind, _) => kind.replace('_', " "),
    };
    view! {
        <li>{what}<span class="meta">{format!(" · {}", event.occurred_at.format("%-d %b %Y"))}</span>
            {event.note.map(|n| view! { <span class="meta">{format!(" — {n}")}</span> })}
        </li>
    }
}
