//! Formatting shared by every area. Deterministic (no clock reads), so that the
//! server-rendered HTML and the hydrated client agree.

use chrono::{DateTime, Utc};

/// A CSV field, quoted when it holds a comma, quote or line break (names and titles may).
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// One CSV line: each field quoted where it needs it, then a line break.
pub fn csv_line<Field: AsRef<str>>(fields: impl IntoIterator<Item = Field>) -> String {
    let mut line = fields.into_iter().map(|field| csv_field(field.as_ref())).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// A number for a CSV cell: three decimals, empty where there is none.
pub fn csv_decimal(value: Option<f64>) -> String {
    value.map(|value| format!("{value:.3}")).unwrap_or_default()
}

/// A whole number for a CSV cell, empty where there is none.
pub fn csv_whole(value: Option<i64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

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
    let (days, hours, minutes) = (seconds / 86_400, (seconds % 86_400) / 3_600, (seconds % 3_600) / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// "1 reply", "3 replies", "4,397 ratings"
pub fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// "1,000,050": digits grouped by three.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        grouped.push('-');
    }
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Percent-encodes a URL component (the subset needed for local paths and queries).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_queries() {
        assert_eq!(super::encode_component("/workspace?x=1&y=ä"), "/workspace%3Fx%3D1%26y%3D%C3%A4");
    }

    use super::*;
    use chrono::TimeZone;

    #[test]
    fn large_numbers_are_grouped_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4_397), "4,397");
        assert_eq!(thousands(1_000_050), "1,000,050");
        assert_eq!(thousands(-12_345), "-12,345");
        assert_eq!(count(100_000, "thread", "threads"), "100,000 threads");
    }

    #[test]
    fn durations_are_compact() {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(duration_between(start, start + chrono::Duration::seconds(42)), "42s");
        assert_eq!(duration_between(start, start + chrono::Duration::minutes(12)), "12m");
        assert_eq!(duration_between(start, start + chrono::Duration::minutes(185)), "3h 5m");
        assert_eq!(duration_between(start, start + chrono::Duration::hours(52)), "2d 4h");
        assert_eq!(duration_between(start, start - chrono::Duration::hours(1)), "0s");
        assert_eq!(when(start), "23 Nov 2026, 10:00 UTC");
        assert_eq!(count(1, "reply", "replies"), "1 reply");
        assert_eq!(count(0, "reply", "replies"), "0 replies");
    }
}
