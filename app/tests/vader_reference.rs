//! Our VADER against the Python reference vaderSentiment 3.3.2 on all 23,703 sentences of the
//! four human-rated corpora. Reference scores come from reference/generate_vader_reference.py.

use app::emotion::vader::polarity_scores;

#[derive(serde::Deserialize)]
struct Reference {
    corpus: String,
    id: String,
    text: String,
    compound: f64,
}

#[test]
fn compound_scores_match_the_python_reference() {
    let data = include_str!("data/vader_reference.jsonl");
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for line in data.lines() {
        let reference: Reference = serde_json::from_str(line).expect("reference line");
        let ours = polarity_scores(&reference.text).compound;
        if (ours - reference.compound).abs() > 1e-4 {
            mismatches.push(format!(
                "{} #{}: ours {ours:.4}, reference {:.4}: {}",
                reference.corpus, reference.id, reference.compound, reference.text
            ));
        }
        checked += 1;
    }
    assert_eq!(checked, 23_703, "the reference file covers every corpus sentence");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} sentences differ from the reference:\n{}",
        mismatches.len(),
        mismatches.iter().take(25).cloned().collect::<Vec<_>>().join("\n")
    );
}
