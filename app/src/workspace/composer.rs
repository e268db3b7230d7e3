//! The reply composer with the live tone check. The check runs in the browser (WASM) on
//! every keystroke; the time it took is exposed as `data-tone-ms` for the browser tests.

use leptos::prelude::*;

use crate::domain::workspace::MAX_REPLY_CHARS;
use crate::emotion::tone::{check, ToneContext, ToneReport};
use crate::shell::notice::{form_error, FormError};
use crate::workspace::api::SendReply;

/// Milliseconds from the browser's monotonic clock; the server never times anything here.
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[component]
pub fn ReplyComposer(
    conversation_id: i64,
    context: ToneContext,
    send: ServerAction<SendReply>,
    /// A public channel (forum, social): show how the reply will read in public.
    public: bool,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let elapsed_ms = RwSignal::new(None::<f64>);
    let report = Memo::new(move |_| {
        let text = draft.get();
        let started = now_ms();
        let report = check(&text, &context);
        let finished = now_ms();
        if !text.is_empty() {
            elapsed_ms.set(Some(finished - started));
        }
        report
    });
    // Every flag the agent saw while writing this reply, sent along for coaching (taken up
    // when it is gone from the text that is sent).
    let seen_flags = RwSignal::new(Vec::<&'static str>::new());
    Effect::new(move |_| {
        let keys: Vec<&'static str> = report.with(|r| r.flags.iter().map(|flag| flag.issue.key()).collect());
        seen_flags.update(|seen| {
            for key in keys {
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        });
    });
    let error = form_error(send.value(), "workspace/send_reply");
    // A sent reply clears the draft.
    Effect::new(move |_| {
        if let Some(Ok(())) = send.value().get() {
            draft.set(String::new());
            seen_flags.set(Vec::new());
        }
    });
    let length = move || draft.with(|d| d.chars().count());
    view! {
        <section class="composer" aria-labelledby="composer-title">
            <h2 id="composer-title">"Reply"</h2>
            <ActionForm action=send attr:class="composer__form">
                <input type="hidden" name="conversation_id" value=conversation_id/>
                <input type="hidden" name="tone_flags_seen" prop:value=move || seen_flags.with(|seen| seen.join(" "))/>
                <FormError message=error/>
                <label for="reply-body" class="visually-hidden">"Your reply"</label>
                <textarea
                    id="reply-body"
                    name="body"
                    rows="6"
                    maxlength=MAX_REPLY_CHARS
                    placeholder="Write your reply… the tone check reads along."
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <div class="composer__actions">
                    <span class="composer__count">{move || format!("{} / {MAX_REPLY_CHARS}", length())}</span>
                    <button type="submit" class="button" disabled=move || send.pending().get()>
                        {move || if send.pending().get() { "Sending…" } else { "Send reply" }}
                    </button>
                </div>
            </ActionForm>
            <ToneCheck report=report elapsed_ms=elapsed_ms draft=draft/>
            {public.then(|| view! {
                <Show when=move || draft.with(|d| !d.trim().is_empty())>
                    <section class="public-preview" aria-label="How this reads in public">
                        <h3>"How this reads in public"</h3>
                        <p class="public-preview__author"><strong>"Rapport team"</strong>" "<span class="badge badge--staff">"Staff"</span></p>
                        <p class="public-preview__body">{move || draft.get()}</p>
                        <p class="meta">"Everyone can read this reply: no account details, order numbers or internal notes."</p>
                    </section>
                </Show>
            })}
        </section>
    }
}

#[component]
fn ToneCheck(report: Memo<ToneReport>, elapsed_ms: RwSignal<Option<f64>>, draft: RwSignal<String>) -> impl IntoView {
    let timing = move || elapsed_ms.get().map(|ms| format!("{ms:.2}"));
    view! {
        <aside class="tone" aria-live="polite" aria-label="Tone check" data-tone-ms=timing>
            {move || {
                let report = report.get();
                let empty = draft.with(|d| d.trim().is_empty());
                if empty {
                    return view! {
                        <p class="tone__hint">"Tone check: start typing and it flags phrases that could land badly."</p>
                    }.into_any();
                }
                view! {
                    {if report.flags.is_empty() {
                        view! { <p class="tone__ok">"Tone check: reads well."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="tone__flags">
                                {report.flags.into_iter().map(|flag| view! {
                                    <li class="tone__flag">
                                        <strong>{flag.issue.label()}</strong>
                                        {flag.evidence.map(|e| view! { " " <mark>{format!("“{}”", e.text)}</mark> })}
                                        <span class="tone__why">{flag.explanation}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {(!report.suggestions.is_empty()).then(|| view! {
                        <div class="tone__suggestions">
                            <p>"Acknowledge first — insert a line:"</p>
                            <ul>
                                {report.suggestions.into_iter().map(|line| {
                                    let insert = line.clone();
                                    view! {
                                        <li>
                                            <button type="button" class="link-button"
                                                on:click=move |_| draft.update(|d| *d = format!("{insert} {d}"))>
                                                {line}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                }.into_any()
            }}
        </aside>
    }
}
