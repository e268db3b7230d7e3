//! The sentiment-over-time chart: plain server-rendered SVG that reads without JavaScript.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 120.0;
const PAD_X: f64 = 26.0;
const PAD_Y: f64 = 10.0;

/// Where a point goes: x by time between the first and last point, y from +1 (top) to −1.
pub fn layout(points: &[(DateTime<Utc>, f64)]) -> Vec<(f64, f64)> {
    let Some(first) = points.first().map(|p| p.0) else {
        return Vec::new();
    };
    let last = points.last().map_or(first, |p| p.0);
    let span = (last - first).num_seconds().max(1) as f64;
    let plot_w = WIDTH - 2.0 * PAD_X;
    let plot_h = HEIGHT - 2.0 * PAD_Y;
    points
        .iter()
        .map(|(at, value)| {
            let x = if points.len() == 1 { PAD_X + plot_w / 2.0 } else { PAD_X + plot_w * (*at - first).num_seconds() as f64 / span };
            let y = PAD_Y + plot_h * (1.0 - value.clamp(-1.0, 1.0)) / 2.0;
            ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
        })
        .collect()
}

#[component]
pub fn SentimentChart(points: Vec<(DateTime<Utc>, f64)>) -> impl IntoView {
    if points.is_empty() {
        return view! { <p class="chart__empty">"No scored messages yet."</p> }.into_any();
    }
    let coordinates = layout(&points);
    let line = coordinates.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
    let latest = points.last().map_or(0.0, |p| p.1);
    let label = format!(
        "Sentiment over time: {} messages from {} to {}, latest {latest:+.2} on a scale from −1 to +1",
        points.len(),
        points[0].0.format("%-d %b %Y"),
        points[points.len() - 1].0.format("%-d %b %Y"),
    );
    let title = label.clone();
    let zero = PAD_Y + (HEIGHT - 2.0 * PAD_Y) / 2.0;
    let first_day = points[0].0.format("%-d %b").to_string();
    let last_day = points[points.len() - 1].0.format("%-d %b").to_string();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 14.0) role="img" aria-label=label class="chart__svg">
                <title>{title}</title>
                <line x1=PAD_X y1=zero x2={WIDTH - PAD_X} y2=zero class="chart__zero"/>
                <text x="2" y={PAD_Y + 4.0} class="chart__axis">"+1"</text>
                <text x="8" y={zero + 4.0} class="chart__axis">"0"</text>
                <text x="2" y={HEIGHT - PAD_Y + 4.0} class="chart__axis">"−1"</text>
                <polyline points=line class="chart__line" fill="none"/>
                {coordinates.iter().zip(&points).map(|((x, y), (at, value))| {
                    let class = if *value <= -0.05 { "chart__dot chart__dot--negative" } else if *value >= 0.05 { "chart__dot chart__dot--positive" } else { "chart__dot" };
                    view! {
                        <circle cx=*x cy=*y r="3.5" class=class>
                            <title>{format!("{}: {value:+.2}", at.format("%-d %b %Y, %H:%M UTC"))}</title>
                        </circle>
                    }
                }).collect_view()}
                <text x=PAD_X y={HEIGHT + 12.0} class="chart__axis">{first_day}</text>
                <text x={WIDTH - PAD_X} y={HEIGHT + 12.0} class="chart__axis" text-anchor="end">{last_day}</text>
            </svg>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn places_points_by_time_and_value() {
        let start = Utc::now();
        let points = [(start, 1.0), (start + Duration::days(1), 0.0), (start + Duration::days(2), -1.0)];
        let placed = layout(&points);
        assert_eq!(placed[0], (PAD_X, PAD_Y));
        assert_eq!(placed[1], (WIDTH / 2.0, HEIGHT / 2.0));
        assert_eq!(placed[2], (WIDTH - PAD_X, HEIGHT - PAD_Y));
        assert_eq!(layout(&points[..1])[0].0, WIDTH / 2.0);
        assert!(layout(&[]).is_empty());
    }
}
