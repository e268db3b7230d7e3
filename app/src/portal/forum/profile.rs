//! A member's public profile: their posts, accepted answers and the badges they earned.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::format::{count, day, when};
use crate::portal::forum::api::member_profile;
use crate::shell::notice::loaded;
use crate::shell::paging::id_param;
use crate::shell::seo::PageMeta;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let id = id_param("id");
    let data = Resource::new(id, member_profile);
    view! {
        <section class="page profile">
            {loaded(data, move |profile| view! {
                <Title text=profile.display_name.clone()/>
                <PageMeta
                    title=profile.display_name.clone()
                    description=format!("{} in the Rapport community: {} posts, {} accepted answers.", profile.display_name, profile.posts, profile.accepted_answers)
                    kind="profile"
                />
                <h1>{profile.display_name.clone()}
                    {profile.is_staff.then(|| view! { " " <span class="badge badge--staff">"Staff"</span> })}
                </h1>
                <p class="meta">{format!("Member since {}", day(profile.member_since))}</p>
                <section class="happiness-strip" aria-label="Activity">
                    <p><strong>{profile.posts}</strong>" posts"</p>
                    <p><strong>{profile.accepted_answers}</strong>" accepted answers"</p>
                    <p><strong>{profile.helped_reactions}</strong>" “helped me” from others"</p>
                </section>
                <h2>"Recognition"</h2>
                {if profile.badges.is_empty() {
                    view! { <p class="empty">"No badges yet: they come from accepted answers and “helped me” reactions."</p> }.into_any()
                } else {
                    view! {
                        <ul class="badges">
                            {profile.badges.into_iter().map(|badge| view! {
                                <li class="badge badge--earned" title=badge.reason.clone()>
                                    <strong>{badge.name}</strong><span class="muted">{format!(" — {}", badge.reason)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <h2>"Recent posts"</h2>
                {if profile.recent_posts.is_empty() {
                    view! { <p class="empty">"No posts yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="thread-list">
                            {profile.recent_posts.into_iter().map(|post| view! {
                                <li class="thread-row">
                                    <a href=format!("/forum/t/{}#post-{}", post.thread_id, post.post_id) class="thread-row__title">{post.title}</a>
                                    <p class="meta">
                                        {post.accepted.then(|| view! { <span class="badge badge--solved">"Accepted answer"</span>" " })}
                                        {when(post.created_at)}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p class="muted">{count(profile.posts, "post", "posts")}" in total."</p>
            }.into_any())}
        </section>
    }
}
