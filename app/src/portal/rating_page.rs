//! The thank-you page behind each rating link (`/rate/{token}/{score}`): opening it records
//! the rating, shows it, offers the other scores for a change within the week, and a comment
//! box. Public and without sign-in; every form works without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::channels::api::{rate, RateComment};
use crate::domain::channels::ratings::{score_label, MAX_COMMENT_CHARS};
use crate::domain::format::when;
use crate::shell::notice::{form_error, loaded, FormError};

#[component]
pub fn RatingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let comment = ServerAction::<RateComment>::new();
    let error = form_error(comment.value(), "channels/rate_comment");
    let token = move || params.read().get("token").unwrap_or_default();
    let score = move || params.read().get("score").and_then(|score| score.parse::<i64>().ok()).unwrap_or(0);
    let rating = Resource::new(move || (token(), score()), |(token, score)| rate(token, score));
    let commented = move || query.read().get("commented").is_some() || matches!(comment.value().get(), Some(Ok(())));
    view! {
        <Title text="Thank you for your rating"/>
        // The page is the customer's own: never indexed, its address never sent on to other sites.
        <Meta name="robots" content="noindex"/>
        <Meta name="referrer" content="same-origin"/>
        <section class="page narrow rating-page">
            {loaded(rating, move |rating| {
                let current = rating.score;
                view! {
                    {match rating.refused.clone() {
                        Some(why) => view! { <h1>"Thank you"</h1><p role="status">{why}</p> }.into_any(),
                        None => view! {
                            <h1>"Thank you!"</h1>
                            <p role="status" class="rating-page__given">
                                {format!("You rated “{}”: ", rating.subject)}
                                <strong>{format!("{current} — {}", score_label(current))}</strong>
                            </p>
                        }.into_any(),
                    }}
                    {rating.changeable_until.map(|until| view! {
                        <nav class="rating-page__scores" aria-label="Change your rating">
                            <p class="meta">{format!("Changed your mind? You can change it until {}.", when(until))}</p>
                            <ol class="rating-scale">
                                {rating.links.iter().enumerate().map(|(index, link)| {
                                    let value = index as i64 + 1;
                                    view! {
                                        <li>
                                            <a href=link.clone() aria-current=(value == current).then_some("true") class="rating-scale__score">
                                                <span class="rating-scale__number">{value}</span>
                                                <span class="rating-scale__label">{score_label(value)}</span>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        </nav>
                        <Show when=commented fallback=move || ()>
                            <p role="status" class="notice notice--info">"Thanks — your comment reached the team."</p>
                        </Show>
                        <ActionForm action=comment attr:class="rating-page__comment">
                            <input type="hidden" name="token" value=token()/>
                            <input type="hidden" name="score" value=current/>
                            <label for="rating-comment">"Anything you'd like to tell us? (optional)"</label>
                            <textarea id="rating-comment" name="comment" rows="4" maxlength=MAX_COMMENT_CHARS>{crate::shell::raw_text::escaped_on_server(rating.comment.clone().unwrap_or_default())}</textarea>
                            <button type="submit" class="button">"Send comment"</button>
                        </ActionForm>
                    })}
                }.into_any()
            })}
            <FormError message=error/>
        </section>
    }
}
