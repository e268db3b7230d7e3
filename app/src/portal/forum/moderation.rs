//! The moderation queue (`/forum/moderation`): new members' posts held for approval and
//! posts members flagged, oldest first, each decided with one button (forms work without
//! JavaScript). Moderators are agents, marketing and admins.

use leptos::prelude::*;

use crate::domain::community::model::{FlaggedPost, HeldPost, ModerationQueue};
use crate::domain::format::when;
use crate::error::AppError;
use crate::shell::frame::StaffPage;
use crate::shell::notice::{form_error, loaded, FormError};

#[cfg(feature = "ssr")]
const QUEUE_PAGE: &str = "/forum/moderation";

#[server(prefix = "/api", endpoint = "community/moderation")]
pub async fn load_moderation_queue() -> Result<ModerationQueue, AppError> {
    use crate::portal::forum::markdown::render;
    let db = crate::portal::forum::posting::staff_moderator().await?;
    let mut queue = crate::data::forum_moderation::queue(&db).await?;
    for post in &mut queue.held {
        post.body_html = render(&post.body_markdown);
    }
    for post in &mut queue.flagged {
        post.body_html = render(&post.body_markdown);
    }
    Ok(queue)
}

/// Publishes a held post (and the thread it opened).
#[server(prefix = "/api", endpoint = "community/approve")]
pub async fn approve_held_post(post_id: i64) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let db = crate::portal::forum::posting::staff_moderator().await?;
            crate::data::forum_posting::approve_post(&db, post_id).await.map_err(not_waiting)?;
            Ok(format!("{QUEUE_PAGE}?approved={post_id}"))
        }
        .await,
    )
}

/// Turns a held post down: it stays hidden.
#[server(prefix = "/api", endpoint = "community/reject")]
pub async fn reject_held_post(post_id: i64) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let db = crate::portal::forum::posting::staff_moderator().await?;
            crate::data::forum_posting::reject_post(&db, post_id).await.map_err(not_waiting)?;
            Ok(format!("{QUEUE_PAGE}?rejected={post_id}"))
        }
        .await,
    )
}

/// Decides a flagged post: `hide` it (resolving its flags) or `dismiss` the flags.
#[server(prefix = "/api", endpoint = "community/decide_flags")]
pub async fn decide_flags(post_id: i64, decision: String) -> Result<(), AppError> {
    use crate::auth::respond::finish_form;
    finish_form(
        async {
            let db = crate::portal::forum::posting::staff_moderator().await?;
            let now = chrono::Utc::now();
            match decision.as_str() {
                "hide" => {
                    crate::data::forum_posting::set_post_hidden(&db, post_id, true, now)
                        .await
                        .map_err(|_| AppError::NotFound("This post does not exist.".into()))?;
                }
                "dismiss" => {
                    crate::data::forum_posting::dismiss_flags(&db, post_id, now)
                        .await
                        .map_err(|_| AppError::NotFound("This post has no open flags any more.".into()))?;
                }
                _ => return Err(AppError::invalid("decision", "Choose hide or dismiss.")),
            }
            Ok(format!("{QUEUE_PAGE}?decided={post_id}"))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn not_waiting(error: crate::data::DataError) -> AppError {
    AppError::not_found_as("This post is not waiting for approval (another moderator may have decided it).")(error)
}

#[component]
pub fn ModerationQueuePage() -> impl IntoView {
    let approve = ServerAction::<ApproveHeldPost>::new();
    let reject = ServerAction::<RejectHeldPost>::new();
    let decide = ServerAction::<DecideFlags>::new();
    let queue =
        Resource::new(move || (approve.version().get(), reject.version().get(), decide.version().get()), |_| load_moderation_queue());
    let approve_error = form_error(approve.value(), "community/approve");
    let reject_error = form_error(reject.value(), "community/reject");
    let decide_error = form_error(decide.value(), "community/decide_flags");
    view! {
        <StaffPage title="Moderation queue" class="moderation">
            <FormError message=approve_error/>
            <FormError message=reject_error/>
            <FormError message=decide_error/>
            {loaded(queue, move |queue| view! {
                <h2>{format!("Waiting for approval ({})", queue.held.len())}</h2>
                {if queue.held.is_empty() {
                    view! { <p class="empty">"No posts are waiting for approval."</p> }.into_any()
                } else {
                    view! {
                        <ol class="queue">
                            {queue.held.into_iter().map(|post| view! { <HeldItem post approve reject/> }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                <h2>{format!("Flagged by members ({})", queue.flagged.len())}</h2>
                {if queue.flagged.is_empty() {
                    view! { <p class="empty">"No open flags."</p> }.into_any()
                } else {
                    view! {
                        <ol class="queue">
                            {queue.flagged.into_iter().map(|post| view! { <FlaggedItem post decide/> }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            }.into_any())}
        </StaffPage>
    }
}

#[component]
fn HeldItem(post: HeldPost, approve: ServerAction<ApproveHeldPost>, reject: ServerAction<RejectHeldPost>) -> impl IntoView {
    let what = if post.opens_thread { "New thread" } else { "Reply in" };
    let author = post.author_name.unwrap_or_else(|| "(deleted member)".into());
    let author_link = post.author_id.map(|id| format!("/u/{id}"));
    view! {
        <li class="queue__item" id=format!("held-{}", post.post_id)>
            <p class="meta">
                {what}" "<a href=format!("/forum/t/{}", post.thread_id)>{post.thread_title}</a>
                " · by "{match author_link {
                    Some(href) => view! { <a href=href>{author}</a> }.into_any(),
                    None => view! { <span>{author}</span> }.into_any(),
                }}
                " · "{when(post.created_at)}
            </p>
            <div class="post__body" inner_html=post.body_html></div>
            <div class="queue__actions">
                <ActionForm action=approve attr:class="inline-form">
                    <input type="hidden" name="post_id" value=post.post_id/>
                    <button type="submit" class="button button--small">"Approve"</button>
                </ActionForm>
                <ActionForm action=reject attr:class="inline-form">
                    <input type="hidden" name="post_id" value=post.post_id/>
                    <button type="submit" class="link-button">"Reject"</button>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
fn FlaggedItem(post: FlaggedPost, decide: ServerAction<DecideFlags>) -> impl IntoView {
    let author = post.author_name.unwrap_or_else(|| "(deleted member)".into());
    let count = post.flags.len();
    view! {
        <li class="queue__item" id=format!("flagged-{}", post.post_id)>
            <p class="meta">
                <a href=format!("/forum/t/{}#post-{}", post.thread_id, post.post_id)>{post.thread_title}</a>
                " · post by "{author}
                " · "{crate::domain::format::count(count as i64, "flag", "flags")}
                {post.hidden.then_some(" · already hidden")}
            </p>
            <div class="post__body" inner_html=post.body_html></div>
            <ul class="queue__flags">
                {post.flags.into_iter().map(|flag| view! {
                    <li>
                        <q>{flag.reason}</q>
                        " — "{flag.flagged_by.unwrap_or_else(|| "(deleted member)".into())}
                        ", "{when(flag.created_at)}
                    </li>
                }).collect_view()}
            </ul>
            <div class="queue__actions">
                {(!post.hidden).then(|| view! {
                    <ActionForm action=decide attr:class="inline-form">
                        <input type="hidden" name="post_id" value=post.post_id/>
                        <input type="hidden" name="decision" value="hide"/>
                        <button type="submit" class="button button--small">"Hide post"</button>
                    </ActionForm>
                })}
                <ActionForm action=decide attr:class="inline-form">
                    <input type="hidden" name="post_id" value=post.post_id/>
                    <input type="hidden" name="decision" value="dismiss"/>
                    <button type="submit" class="link-button">"Dismiss flags"</button>
                </ActionForm>
            </div>
        </li>
    }
}
