//! `rapport score` as a user runs it: texts on stdin, JSON lines on stdout, exit code.

use std::io::Write;
use std::process::{Command, Stdio};

fn run_score(input: &[u8]) -> (Vec<serde_json::Value>, String, Option<i32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["score", "--threads", "2"])
        .env("RAPPORT_CONFIG", "/nonexistent-is-not-read-by-score.toml")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rapport score");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    let lines =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).expect("every output line is JSON")).collect();
    (lines, String::from_utf8_lossy(&output.stderr).into_owned(), output.status.code())
}

#[test]
fn scores_lines_from_stdin() {
    let (lines, stderr, code) =
        run_score("VADER is smart, handsome, and funny.\nI'm worried: someone used my card, I didn't authorize these charges\n".as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["compound"], 0.8316);
    assert_eq!(lines[1]["situation"]["name"], "fraud");
    assert_eq!(lines[1]["guidance"], "resolve_first");
    assert_eq!(lines[1]["emotions"][0]["name"], "anxiety");
    assert!(stderr.contains("scored 2 lines"));
}

#[test]
fn bad_lines_are_reported_and_the_rest_is_scored() {
    let (lines, stderr, code) = run_score(b"ok\n\xc3\x28 not utf-8\nfine too");
    assert_eq!(code, Some(1));
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["error"], "invalid UTF-8 at byte 0");
    assert_eq!(lines[2]["line"], 3);
    assert!(stderr.contains("scored 2 lines; 1 could not be scored"), "{stderr}");
}
