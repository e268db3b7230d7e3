//! Formatting shared by every area. Deterministic (no clock reads), so that the
//! server-rendered HTML and the hydrated client agree.

use chrono::{DateTime, Utc};

/// "23 Nov 2026, 13:05 UTC"
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// "23 Nov 2026"
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

/// A compact duration: "45s", "12m", "3h 5m", "2d 4h".
pub fn duration_between(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    duration((to - from).num_seconds())
}

/// A compact duration of so many seconds (negative counts as none).
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours, minutes) = (
        seconds / 86_400,
        (seconds % 86_400) / 3_600,
        (seconds % 3_600) / 60,
    );
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// "1 reply", "3 replies"
pub fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn durations_are_compact() {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(
            duration_between(start, start + chrono::Duration::seconds(42)),
            "42s"
        );
        assert_eq!(
            duration_between(start, start + chrono::Duration::minutes(12)),
            "12m"
        );
        assert_eq!(
            duration_between(start, start + chrono::Duration::minutes(185)),
            "3h 5m"
        );
        assert_eq!(
            duration_between(start, start + chrono::Duration::hours(52)),
            "2d 4h"
        );
        assert_eq!(
            duration_between(start, start - chrono::Duration::hours(1)),
            "0s"
        );
        assert_eq!(when(start), "23 Nov 2026, 10:00 UTC");
        assert_eq!(count(1, "reply", "replies"), "1 reply");
        assert_eq!(count(0, "reply", "replies"), "0 replies");
    }
}
