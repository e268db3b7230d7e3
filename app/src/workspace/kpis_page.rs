//! `/workspace/kpis`: how recovery journeys turn out, over a chosen range — outcomes (with a
//! server-rendered bar chart), time to heal, trust restoration — and the same as CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::shell::frame::StaffPage;
use crate::workspace::journeys_api::journey_kpis;

use crate::domain::format::{duration, thousands};
use crate::domain::journeys::kpis::{csv, Breakdown, JourneyKpis, Paradox, Rebound, PARADOX_MIN_GROUP, RESTORED_WITHIN_DAYS};
use crate::shell::notice::loaded;
use crate::workspace::journeys_api::KPI_RANGES;

#[component]
pub fn KpisPage() -> impl IntoView {
    let query = use_query_map();
    let days = move || query.read().get("days").and_then(|d| d.parse::<i64>().ok()).unwrap_or(30);
    let data = Resource::new(days, journey_kpis);
    view! {
        <StaffPage title="Journey KPIs" heading="Recovery journey KPIs" class="kpis">
            <nav class="sort-tabs" aria-label="Range">
                {KPI_RANGES.iter().map(|range| {
                    let current = move || days() == *range;
                    view! {
                        <a href=format!("/workspace/kpis?days={range}") aria-current=move || current().then_some("page")>
                            {format!("Last {range} days")}
                        </a>
                    }
                }).collect_view()}
            </nav>
            {loaded(data, move |kpis| view! { <KpiTable kpis days=days()/> }.into_any())}
        </StaffPage>
    }
}

#[component]
fn KpiTable(kpis: JourneyKpis, days: i64) -> impl IntoView {
    let csv_link = format!("data:text/csv;charset=utf-8,{}", csv(&kpis, days).replace('\n', "%0A"));
    let rate = kpis.trust_restoration_rate.map(|rate| format!("{:.0}%", rate * 100.0));
    let none = || "no data yet".to_string();
    view! {
        <table class="kpis__table">
            <caption>{format!("Journeys started in the last {days} days")}</caption>
            <tbody>
                <tr><th scope="row">"Started"</th><td>{thousands(kpis.started as i64)}</td></tr>
                <tr><th scope="row">"Healed"</th><td>{thousands(kpis.healed as i64)}</td></tr>
                <tr><th scope="row">"Stalled"</th><td>{thousands(kpis.stalled as i64)}</td></tr>
                <tr><th scope="row">"Churned"</th><td>{thousands(kpis.churned as i64)}</td></tr>
                <tr><th scope="row">"Still running"</th><td>{thousands(kpis.open as i64)}</td></tr>
                <tr><th scope="row">"Time to heal, median"</th><td>{kpis.median_time_to_heal_secs.map(duration).unwrap_or_else(none)}</td></tr>
                <tr><th scope="row">"Time to heal, 90th percentile"</th><td>{kpis.p90_time_to_heal_secs.map(duration).unwrap_or_else(none)}</td></tr>
                <tr>
                    <th scope="row">{format!("Trust restored within {RESTORED_WITHIN_DAYS} days")}</th>
                    <td>{rate.unwrap_or_else(none)}<span class="meta">{format!(" of {} judged", kpis.judged)}</span></td>
                </tr>
                <tr><th scope="row">"CSAT rebound"</th><td>{rebound(kpis.csat_rebound, |v| format!("{v:.1}"))}</td></tr>
                <tr><th scope="row">"Sentiment rebound"</th><td>{rebound(kpis.sentiment_rebound, |v| format!("{v:+.2}"))}</td></tr>
                <tr>
                    <th scope="row">"Silent churn"</th>
                    <td>
                        {kpis.silent_churn_rate.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(none)}
                        <span class="meta">{format!(" ({} not healed and never wrote again, of {} judged)", kpis.silent_churn, kpis.judged)}</span>
                    </td>
                </tr>
                <tr>
                    <th scope="row">"Repeat contacts per incident"</th>
                    <td>{kpis.repeat_contacts_per_incident.map(|v| format!("{v:.2}")).unwrap_or_else(none)}<span class="meta">" new conversations while a journey ran"</span></td>
                </tr>
            </tbody>
        </table>
        <OutcomeChart kpis=kpis.clone()/>
        <ParadoxCheck paradox=kpis.paradox/>
        <Breakdowns rows=kpis.breakdowns.clone()/>
        <p><a href=csv_link download=format!("journey-kpis-{days}-days.csv")>"Download as CSV"</a></p>
    }
}

/// Outcomes as horizontal bars, server-rendered SVG with text labels (readable without JS).
#[component]
fn OutcomeChart(kpis: JourneyKpis) -> impl IntoView {
    let rows = [
        ("Healed", kpis.healed, "#1f6f43"),
        ("Stalled", kpis.stalled, "#b45309"),
        ("Churned", kpis.churned, "#8a3b12"),
        ("Still running", kpis.open, "#6b7280"),
    ];
    let largest = rows.iter().map(|row| row.1).max().unwrap_or(0).max(1) as f64;
    view! {
        <svg class="kpis__chart" viewBox="0 0 420 130" role="img" aria-label="Journey outcomes">
            {rows.into_iter().enumerate().map(|(index, (label, count, color))| {
                let y = 10 + index * 30;
                let width = 260.0 * count as f64 / largest;
                view! {
                    <text x="0" y=y + 15 font-size="13">{label}</text>
                    <rect x="110" y=y width=format!("{width:.1}") height="20" fill=color/>
                    <text x=format!("{:.1}", 116.0 + width) y=y + 15 font-size="13">{count}</text>
                }
            }).collect_view()}
        </svg>
    }
}

fn rebound(value: Option<Rebound>, show: fn(f64) -> String) -> String {
    match value {
        Some(r) => format!("{} before → {} after ({} journeys with both)", show(r.before), show(r.after), r.journeys),
        None => "no data yet".to_string(),
    }
}

/// Do healed customers stay longer than those never at risk?
#[component]
fn ParadoxCheck(paradox: Option<Paradox>) -> impl IntoView {
    view! {
        <section class="kpis__paradox" aria-labelledby="paradox-title">
            <h2 id="paradox-title">"Recovery paradox"</h2>
            {match paradox {
                None => view! {
                    <p class="meta">{format!("Too few customers to tell: it needs at least {PARADOX_MIN_GROUP} healed customers and {PARADOX_MIN_GROUP} never at risk in the range.")}</p>
                }.into_any(),
                Some(p) => {
                    let verdict = if p.healed_stayed > p.never_at_risk_stayed {
                        "Healed customers stayed more often than customers who were never at risk: the paradox holds here."
                    } else {
                        "Healed customers did not stay more often than customers who were never at risk."
                    };
                    view! {
                        <p>{verdict}</p>
                        <p class="meta">{format!(
                            "Stayed (no cancellation since): {:.0}% of {} healed customers · {:.0}% of {} never at risk.",
                            p.healed_stayed * 100.0, p.healed, p.never_at_risk_stayed * 100.0, p.never_at_risk
                        )}</p>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The journeys per channel, situation and agent.
#[component]
fn Breakdowns(rows: Vec<Breakdown>) -> impl IntoView {
    if rows.is_empty() {
        return ().into_any();
    }
    view! {
        <table class="kpis__table kpis__breakdown">
            <caption>"By channel, situation and agent"</caption>
            <thead><tr>
                <th scope="col">"Group"</th><th scope="col">"Started"</th><th scope="col">"Healed"</th>
                <th scope="col">"Trust restored"</th><th scope="col">"Time to heal, median"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <th scope="row">{format!("{}: {}", row.dimension, row.group)}</th>
                        <td>{thousands(row.started as i64)}</td>
                        <td>{thousands(row.healed as i64)}</td>
                        <td>{row.trust_restoration_rate.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "—".into())}</td>
                        <td>{row.median_time_to_heal_secs.map(duration).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
