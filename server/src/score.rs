//! `rapport score`: texts from stdin, one per line, scored by the emotion engine; one JSON
//! object per line on stdout, in input order. A bad line (invalid UTF-8, too long) gets an
//! `error` object of its own and scoring goes on.

use std::io::{self, BufRead, Write};

use app::emotion::{analyze, Analysis};
use serde::Serialize;

/// Longest line accepted, in bytes.
pub const MAX_LINE_BYTES: usize = 100_000;
/// Lines scored together by the worker threads.
const BATCH: usize = 8_192;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScoreSummary {
    pub scored: u64,
    pub failed: u64,
}

#[derive(Serialize)]
struct Scored<'a> {
    line: u64,
    compound: f64,
    pos: f64,
    neu: f64,
    neg: f64,
    extended: f64,
    emotions: Vec<Labelled<'a>>,
    intents: Vec<Labelled<'a>>,
    situation: Option<SituationOut<'a>>,
    guidance: &'static str,
}

#[derive(Serialize)]
struct Labelled<'a> {
    name: &'a str,
    score: f64,
    evidence: Vec<&'a str>,
}

#[derive(Serialize)]
struct SituationOut<'a> {
    name: &'static str,
    confidence: f64,
    needs_fast_fix: bool,
    evidence: Vec<&'a str>,
}

#[derive(Serialize)]
struct Failed {
    line: u64,
    error: String,
}

enum Line {
    Text(String),
    Error(String),
}

/// Reads the next line without ever holding more than `MAX_LINE_BYTES` of it.
fn read_line(input: &mut impl BufRead, buffer: &mut Vec<u8>) -> io::Result<Option<Line>> {
    buffer.clear();
    let mut total = 0_usize;
    let mut saw_any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        saw_any = true;
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(at) => (&available[..at], Some(at + 1)),
            None => (available, None),
        };
        total += chunk.len();
        if buffer.len() <= MAX_LINE_BYTES {
            let room = MAX_LINE_BYTES + 1 - buffer.len();
            buffer.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let consumed = done.unwrap_or(available.len());
        input.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !saw_any {
        return Ok(None);
    }
    if buffer.last() == Some(&b'\r') && total <= MAX_LINE_BYTES + 1 {
        buffer.pop();
        total -= 1;
    }
    if total > MAX_LINE_BYTES {
        return Ok(Some(Line::Error(format!("line is {total} bytes long; the limit is {MAX_LINE_BYTES}"))));
    }
    Ok(Some(match String::from_utf8(std::mem::take(buffer)) {
        Ok(text) => Line::Text(text),
        Err(error) => Line::Error(format!("invalid UTF-8 at byte {}", error.utf8_error().valid_up_to())),
    }))
}

/// The reference prints `pos`, `neu` and `neg` with 3 decimals and `compound` with 4.
fn round3(value: f64) -> f64 {
    (value * 1_000.0).round() / 1_000.0
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

fn to_json(number: u64, text: &str, analysis: &Analysis) -> String {
    let evidence = |e: &'_ [app::emotion::text::Evidence]| -> Vec<&'_ str> { e.iter().map(|e| &text[e.start..e.end]).collect() };
    let scored = Scored {
        line: number,
        compound: round4(analysis.polarity.compound),
        pos: round3(analysis.polarity.pos),
        neu: round3(analysis.polarity.neu),
        neg: round3(analysis.polarity.neg),
        extended: round4(analysis.extended),
        emotions: analysis
            .emotions
            .iter()
            .map(|e| Labelled { name: e.emotion.key(), score: e.intensity, evidence: evidence(&e.evidence) })
            .collect(),
        intents: analysis
            .intents
            .iter()
            .map(|i| Labelled { name: i.intent.key(), score: i.confidence, evidence: evidence(&i.evidence) })
            .collect(),
        situation: analysis.situation.as_ref().map(|s| SituationOut {
            name: s.situation.key(),
            confidence: s.confidence,
            needs_fast_fix: s.needs_fast_fix,
            evidence: evidence(&s.evidence),
        }),
        guidance: analysis.guidance.approach.key(),
    };
    serde_json::to_string(&scored).expect("plain data serializes")
}

fn render(number: u64, line: &Line) -> String {
    match line {
        Line::Text(text) => to_json(number, text, &analyze(text)),
        Line::Error(error) => serde_json::to_string(&Failed { line: number, error: error.clone() }).expect("plain data serializes"),
    }
}

/// Scores every line of `input` into `output`, using `threads` worker threads.
pub fn score_lines(mut input: impl BufRead, mut output: impl Write, threads: usize) -> io::Result<ScoreSummary> {
    let threads = threads.max(1);
    let mut summary = ScoreSummary::default();
    let mut buffer = Vec::new();
    let mut number = 0_u64;
    loop {
        let mut batch: Vec<(u64, Line)> = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            match read_line(&mut input, &mut buffer)? {
                Some(line) => {
                    number += 1;
                    batch.push((number, line));
                }
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let chunk = batch.len().div_ceil(threads);
        let rendered: Vec<Vec<String>> = std::thread::scope(|scope| {
            let workers: Vec<_> =
                batch.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(|(n, l)| render(*n, l)).collect::<Vec<_>>())).collect();
            workers.into_iter().map(|w| w.join().expect("scoring never panics")).collect()
        });
        for (_, line) in &batch {
            match line {
                Line::Text(_) => summary.scored += 1,
                Line::Error(_) => summary.failed += 1,
            }
        }
        for line in rendered.iter().flatten() {
            output.write_all(line.as_bytes())?;
            output.write_all(b"\n")?;
        }
        if batch.len() < BATCH {
            break;
        }
    }
    output.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(input: &[u8]) -> (Vec<serde_json::Value>, ScoreSummary) {
        let mut out = Vec::new();
        let summary = score_lines(input, &mut out, 2).unwrap();
        let lines = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (lines, summary)
    }

    #[test]
    fn scores_each_line_in_order() {
        let (lines, summary) = score(b"I love it, thank you!\r\nGreat, another delay.\nCancel my subscription now");
        assert_eq!(summary, ScoreSummary { scored: 3, failed: 0 });
        assert_eq!(lines[0]["line"], 1);
        // vaderSentiment 3.3.2 prints 0.7901 for this line.
        assert_eq!(lines[0]["compound"], 0.7901);
        assert!(lines[1]["extended"].as_f64().unwrap() < -0.2);
        assert_eq!(lines[2]["intents"][0]["name"], "churn");
        assert_eq!(lines[2]["intents"][0]["evidence"][0], "Cancel my subscription");
        assert!(lines[0]["neu"].is_number() && lines[0]["pos"].is_number() && lines[0]["neg"].is_number());
        assert_eq!(lines[0]["situation"]["name"], "praise");
    }

    #[test]
    fn reports_bad_lines_and_goes_on() {
        let mut input = b"fine\n\xff\xfe broken\n".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_LINE_BYTES + 10));
        input.extend(b"\nlast line");
        let (lines, summary) = score(&input);
        assert_eq!(summary, ScoreSummary { scored: 2, failed: 2 });
        assert_eq!(lines[1]["error"], "invalid UTF-8 at byte 0");
        assert_eq!(lines[2]["error"], format!("line is {} bytes long; the limit is {MAX_LINE_BYTES}", MAX_LINE_BYTES + 10));
        assert_eq!(lines[3]["line"], 4);
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn keeps_order_across_batches() {
        let input: String = (0..(BATCH + 5)).map(|i| format!("message {i}\n")).collect();
        let (lines, summary) = score(input.as_bytes());
        assert_eq!(summary.scored as usize, BATCH + 5);
        assert!(lines.iter().enumerate().all(|(i, l)| l["line"] == (i as u64 + 1)));
    }
}
