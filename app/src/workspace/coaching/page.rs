//! `/workspace/coaching?days=30&agent=ID`: an agent's coaching numbers — mood after their
//! replies (with an SVG bar), tone-check flags taken up or sent anyway, journeys healed —
//! and, for a lead, the team listed by name.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::shell::frame::StaffPage;
use crate::workspace::coaching::api::coaching;

use crate::domain::coaching::{AgentCoaching, CoachingNumbers, CoachingView};
use crate::shell::notice::loaded;
use crate::workspace::coaching::api::COACHING_RANGES;

#[component]
pub fn CoachingPage() -> impl IntoView {
    let query = use_query_map();
    let days = move || query.read().get("days").and_then(|d| d.parse::<i64>().ok()).unwrap_or(30);
    let agent = move || query.read().get("agent").unwrap_or_default();
    let data = Resource::new(move || (days(), agent()), |(days, agent)| coaching(days, agent));
    view! {
        <StaffPage title="Coaching" class="coaching">
            <p class="meta">
                "How customers felt after your replies, and what the tone check caught. These numbers are for learning, not ranking: "
                "every conversation is different, and a hard case can lower them through no fault of yours."
            </p>
            {loaded(data, move |view_data| view! { <CoachingBody view_data/> }.into_any())}
        </StaffPage>
    }
}

#[component]
fn CoachingBody(view_data: CoachingView) -> impl IntoView {
    let CoachingView { days, focus, team } = view_data;
    let agent_query = if team.is_empty() { String::new() } else { format!("&agent={}", focus.agent_id) };
    view! {
        <nav class="sort-tabs" aria-label="Range">
            {COACHING_RANGES.iter().map(|range| view! {
                <a href=format!("/workspace/coaching?days={range}{agent_query}") aria-current=(*range == days).then_some("page")>
                    {format!("Last {range} days")}
                </a>
            }).collect_view()}
        </nav>
        <h2>{format!("{} · last {days} days", focus.agent_name)}</h2>
        <AgentNumbers numbers=focus.numbers.clone()/>
        {(!team.is_empty()).then(|| view! { <Team team days/> })}
    }
}

#[component]
fn AgentNumbers(numbers: CoachingNumbers) -> impl IntoView {
    let mood = numbers.mean_mood_change.map(|change| format!("{change:+.2}")).unwrap_or_else(|| "no answers yet".into());
    view! {
        <table class="kpis__table coaching__numbers">
            <caption>"Your replies"</caption>
            <tbody>
                <tr>
                    <th scope="row">"Replies sent"</th>
                    <td>
                        {numbers.replies}
                        {(numbers.replies as i64 >= crate::domain::coaching::MAX_REPLIES).then(|| view! {
                            <span class="meta">{format!(" (the numbers below are from the latest {} replies)", crate::domain::coaching::MAX_REPLIES)}</span>
                        })}
                    </td>
                </tr>
                <tr><th scope="row">"Answered by the customer"</th><td>{numbers.answered}</td></tr>
                <tr><th scope="row">"Customer's mood after a reply, on average"</th><td>{mood}<span class="meta">" (sentiment, −1 to +1, their next message vs their last before)"</span></td></tr>
                <tr><th scope="row">"Recovery journeys on your conversations"</th><td>{format!("{} started · {} healed", numbers.journeys_started, numbers.journeys_healed)}</td></tr>
            </tbody>
        </table>
        <MoodBar lifted=numbers.lifted steady=numbers.steady lowered=numbers.lowered/>
        <h3>"Tone check"</h3>
        {if numbers.flags.is_empty() {
            view! { <p class="empty">"No tone flags on your replies in this range."</p> }.into_any()
        } else {
            view! {
                <table class="kpis__table coaching__flags">
                    <thead><tr><th scope="col">"Flag"</th><th scope="col">"Taken up (rewritten before sending)"</th><th scope="col">"Sent anyway"</th></tr></thead>
                    <tbody>
                        {numbers.flags.into_iter().map(|flag| view! {
                            <tr><th scope="row">{flag.label}</th><td>{flag.taken_up}</td><td>{flag.sent_anyway}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// How the customer's mood moved after each answered reply: one stacked bar, server-rendered.
#[component]
fn MoodBar(lifted: usize, steady: usize, lowered: usize) -> impl IntoView {
    let total = lifted + steady + lowered;
    if total == 0 {
        return ().into_any();
    }
    let width = |count: usize| 400.0 * count as f64 / total as f64;
    let parts = [("lifted", lifted, "#1f6f43"), ("steady", steady, "#6b7280"), ("lowered", lowered, "#8a3b12")];
    let mut x = 0.0;
    let label = format!("After {total} answered replies: mood lifted {lifted}, steady {steady}, lowered {lowered}");
    view! {
        <svg class="coaching__bar" viewBox="0 0 400 56" role="img" aria-label=label.clone()>
            <title>{label.clone()}</title>
            {parts.into_iter().map(|(name, count, color)| {
                let start = x;
                x += width(count);
                view! { <rect x=format!("{start:.1}") y="0" width=format!("{:.1}", width(count)) height="24" fill=color><title>{format!("{name}: {count}")}</title></rect> }
            }).collect_view()}
            <text x="0" y="44" font-size="13">{format!("lifted {lifted} · steady {steady} · lowered {lowered}")}</text>
        </svg>
    }
    .into_any()
}

/// The lead's view: every agent by name, to find who could use support (not a league table).
#[component]
fn Team(team: Vec<AgentCoaching>, days: i64) -> impl IntoView {
    view! {
        <h2>"Team"</h2>
        <table class="inbox coaching__team">
            <thead><tr>
                <th scope="col">"Agent"</th><th scope="col">"Replies"</th><th scope="col">"Mood after, on average"</th>
                <th scope="col">"Flags sent anyway"</th><th scope="col">"Journeys healed"</th>
            </tr></thead>
            <tbody>
                {team.into_iter().map(|member| {
                    let numbers = &member.numbers;
                    let sent_anyway: usize = numbers.flags.iter().map(|f| f.sent_anyway).sum();
                    view! {
                        <tr>
                            <td><a href=format!("/workspace/coaching?days={days}&agent={}", member.agent_id)>{member.agent_name.clone()}</a></td>
                            <td>{numbers.replies}</td>
                            <td>{numbers.mean_mood_change.map(|c| format!("{c:+.2}")).unwrap_or_else(|| "—".into())}</td>
                            <td>{sent_anyway}</td>
                            <td>{format!("{} of {}", numbers.journeys_healed, numbers.journeys_started)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
