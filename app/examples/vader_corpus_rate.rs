//! Scores every sentence of the reference corpora and prints sentences per second on one core.
//! Used by app/benches/compare_python.py to compare with the Python reference on the same input.

use std::time::Instant;

fn main() {
    let texts: Vec<String> = include_str!("../tests/data/vader_reference.jsonl")
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|value| value["text"].as_str().map(str::to_string))
        .collect();
    app::emotion::vader::polarity_scores("warm up");
    let rounds = 20;
    let started = Instant::now();
    let mut checksum = 0.0;
    for _ in 0..rounds {
        for text in &texts {
            checksum += app::emotion::vader::polarity_scores(text).compound;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let scored = texts.len() * rounds;
    println!(
        "{{\"sentences\": {scored}, \"seconds\": {seconds:.4}, \"per_second\": {:.0}, \"checksum\": {checksum:.4}}}",
        scored as f64 / seconds
    );
}
