//! Resident memory of the emotion engine: the process before and after every lexicon is
//! loaded, and after scoring many messages (lexicons are loaded once and shared).
//! `cargo run --release -p app --example engine_memory` (Linux: reads /proc/self/status).

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let before = resident_kib();
    let analysis = app::emotion::analyze("Warm up: thanks, but I was charged twice!");
    app::emotion::tone::check("Calm down.", &Default::default());
    let loaded = resident_kib();
    let texts = [
        "You charged my card twice. This is the third time I'm asking!",
        "Great, another delay. Still waiting for my parcel.",
        "Thank you so much, Sam fixed it in minutes :)",
    ];
    let mut total = analysis.extended;
    for i in 0..100_000 {
        total += app::emotion::analyze(texts[i % texts.len()]).extended;
    }
    let after = resident_kib();
    println!(
        "{{\"rss_before_kib\": {before}, \"rss_lexicons_loaded_kib\": {loaded}, \"lexicons_kib\": {}, \"rss_after_100k_messages_kib\": {after}, \"checksum\": {total:.3}}}",
        loaded.saturating_sub(before)
    );
}
