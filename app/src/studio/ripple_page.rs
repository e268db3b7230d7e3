//! `/studio/ripple`: which stories lift the people who see them. An SVG chart (readable
//! without JavaScript) and a table; the same numbers as CSV at `/studio/ripple.csv`.

use leptos::prelude::*;

use crate::domain::stories::ripple::{StoryRipple, MIN_GROUP};
use crate::shell::frame::StaffPage;
use crate::shell::notice::loaded;
use crate::studio::ripple_api::load_ripple;

fn signed(value: Option<f64>, scale: f64, unit: &str) -> String {
    value.map(|v| format!("{:+.1}{unit}", v * scale)).unwrap_or_else(|| "too few to tell".into())
}

/// Horizontal bars of the sentiment lift, centred on zero (−0.5 … +0.5 spans the width).
#[component]
fn LiftChart(rows: Vec<StoryRipple>) -> impl IntoView {
    const WIDTH: f64 = 640.0;
    const ROW: f64 = 26.0;
    const LABEL: f64 = 260.0;
    let measured: Vec<&StoryRipple> = rows.iter().filter(|r| r.lift.sentiment_lift.is_some()).collect();
    if measured.is_empty() {
        return view! { <p class="muted">{format!("No story has {MIN_GROUP} viewers and {MIN_GROUP} comparable non-viewers with messages before and after yet, so there is no sentiment lift to chart.")}</p> }.into_any();
    }
    let height = ROW * measured.len() as f64 + 24.0;
    let centre = LABEL + (WIDTH - LABEL) / 2.0;
    let half = (WIDTH - LABEL) / 2.0 - 40.0;
    let bars = measured
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let lift = row.lift.sentiment_lift.unwrap_or_default().clamp(-0.5, 0.5);
            let length = lift.abs() / 0.5 * half;
            let x = if lift >= 0.0 { centre } else { centre - length };
            let y = 8.0 + ROW * index as f64;
            let title: String = row.title.chars().take(36).collect();
            let class = if lift >= 0.0 { "bar bar--up" } else { "bar bar--down" };
            let value_x = if lift >= 0.0 { centre + length + 4.0 } else { centre - length - 4.0 };
            let anchor = if lift >= 0.0 { "start" } else { "end" };
            view! {
                <g>
                    <title>{format!("{}: sentiment lift {:+.2}", row.title, lift)}</title>
                    <text x="0" y=format!("{:.0}", y + 14.0) class="chart__label">{title}</text>
                    <rect x=format!("{x:.1}") y=format!("{y:.0}") width=format!("{length:.1}") height="18" class=class/>
                    <text x=format!("{value_x:.1}") y=format!("{:.0}", y + 14.0) text-anchor=anchor class="chart__value">{format!("{lift:+.2}")}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height:.0}") role="img" aria-labelledby="lift-chart-title">
            <title id="lift-chart-title">"Sentiment lift per story: viewers' change in mood minus that of comparable non-viewers"</title>
            <line x1=format!("{centre}") x2=format!("{centre}") y1="0" y2=format!("{height:.0}") class="chart__axis"/>
            {bars}
        </svg>
    }
    .into_any()
}

#[component]
pub fn RipplePage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| load_ripple());
    view! {
        <StaffPage title="Ripple effect" heading="Ripple effect of stories">
            <p class="meta">
                "First-party only: no third-party trackers, nothing recorded for browsers that send Do-Not-Track or Global Privacy Control, and anonymous readers are counted without any identity. "
                "For signed-in customers, what happened in the 30 days after they first saw a story (on the portal, in an embed or in a digest) is compared with before: the mood of their messages, their satisfaction-survey scores, and whether they engaged (a forum post or a purchase). "
                "They are compared only with similar customers who did not see it — the same plan and the same mood before (upset, neutral, happy or no messages) — around its publication; viewers with nobody similar are left out. "
                "Onward counts clicks from a story to the forum, a new question or search; sign-ups count new accounts made right after reading it. Correlation, not proof."
            </p>
            <p><a class="button button--small" href="/studio/ripple.csv" rel="external">"Download CSV"</a></p>
            {loaded(rows, |rows| if rows.is_empty() {
                view! { <p class="empty">"No story has been published yet."</p> }.into_any()
            } else {
                view! {
                    <LiftChart rows=rows.clone()/>
                    <table class="dense">
                        <thead><tr>
                            <th scope="col">"Story"</th><th scope="col">"Impressions"</th><th scope="col">"Clicks"</th><th scope="col">"Reactions"</th>
                            <th scope="col">"Digests"</th><th scope="col">"Onward"</th><th scope="col">"Sign-ups"</th><th scope="col">"Mean reading time"</th>
                            <th scope="col"><abbr title="viewers and non-viewers, and how many of them had someone similar to compare with">"Viewers / compared (matched)"</abbr></th>
                            <th scope="col">"Sentiment lift"</th><th scope="col">"Engagement lift"</th><th scope="col">"Survey lift"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr>
                                    <td><a href=format!("/studio/stories/{}", row.story_id)>{row.title.clone()}</a></td>
                                    <td>{row.impressions}</td>
                                    <td>{row.clicks}</td>
                                    <td>{row.reactions}</td>
                                    <td>{row.digests}</td>
                                    <td>{row.onward}</td>
                                    <td>{row.signups}</td>
                                    <td>{row.mean_dwell_secs.map(|s| format!("{s:.0} s")).unwrap_or_else(|| "—".into())}</td>
                                    <td>{format!("{} / {} ({} / {})", row.lift.viewers, row.lift.comparison, row.lift.matched_viewers, row.lift.matched_comparison)}</td>
                                    <td>{signed(row.lift.sentiment_lift, 1.0, "")}</td>
                                    <td>{signed(row.lift.engagement_lift, 100.0, " pts")}</td>
                                    <td>{signed(row.lift.csat_lift, 1.0, " of 5")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </StaffPage>
    }
}
