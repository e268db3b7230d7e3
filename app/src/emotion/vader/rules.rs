//! VADER's word lists and rule helpers, as in the reference implementation.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

/// Empirical mean rating change for a booster ("very") or dampener ("slightly").
pub const B_INCR: f64 = 0.293;
pub const B_DECR: f64 = -0.293;
/// Rating change for a word in ALL CAPS among words that are not.
pub const C_INCR: f64 = 0.733;
/// Multiplier for a negated word.
pub const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOSTER_WORDS: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

const DAMPENER_WORDS: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "just enough",
    "kind of",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sort of",
    "sorta",
    "sortof",
    "sort-of",
];

/// Degree adverbs and their effect on the next sentiment word.
pub static BOOSTERS: LazyLock<FxHashMap<&'static str, f64>> =
    LazyLock::new(|| BOOSTER_WORDS.iter().map(|w| (*w, B_INCR)).chain(DAMPENER_WORDS.iter().map(|w| (*w, B_DECR))).collect());

/// Phrases containing lexicon words whose meaning differs from their parts.
const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

/// A phrase given as words ("kind of" → ["kind", "of"]), parsed once.
type Phrase = (Vec<&'static str>, f64);

/// True when `words` spell `phrase`; the last words are compared first because they differ
/// almost always.
fn spells(phrase: &[&str], words: &[&str]) -> bool {
    phrase.len() == words.len() && phrase.last() == words.last() && phrase == words
}

static SPECIAL_PHRASES: LazyLock<Vec<Phrase>> = LazyLock::new(|| SPECIAL_CASES.iter().map(|(p, v)| (p.split(' ').collect(), *v)).collect());

fn special_case(words: &[&str]) -> Option<f64> {
    SPECIAL_PHRASES.iter().find(|(p, _)| spells(p, words)).map(|(_, v)| *v)
}

static MULTIWORD_BOOSTERS: LazyLock<Vec<Phrase>> =
    LazyLock::new(|| BOOSTERS.iter().filter(|(w, _)| w.contains(' ')).map(|(w, v)| (w.split(' ').collect(), *v)).collect());

/// The value of a multi-word booster or dampener ("kind of") spelled by `words`.
fn multiword_booster(words: &[&str]) -> Option<f64> {
    MULTIWORD_BOOSTERS.iter().find(|(p, _)| spells(p, words)).map(|(_, v)| *v)
}

/// Last words of the idioms and multi-word boosters: an idiom can only be spelled where one
/// of them occurs.
pub fn idiom_last_words() -> impl Iterator<Item = &'static str> {
    SPECIAL_PHRASES.iter().chain(MULTIWORD_BOOSTERS.iter()).filter_map(|(words, _)| words.last().copied())
}

/// The negation words (a word containing "n't" negates too).
pub fn negation_words() -> &'static [&'static str] {
    NEGATE
}

/// Python's `str.isupper`: at least one cased character and none in lower case.
pub fn is_upper(word: &str) -> bool {
    if word.is_ascii() {
        let bytes = word.as_bytes();
        return bytes.iter().any(u8::is_ascii_uppercase) && !bytes.iter().any(u8::is_ascii_lowercase);
    }
    word.chars().any(char::is_uppercase) && !word.chars().any(char::is_lowercase)
}

/// The change a preceding booster or dampener (`booster`: its value, if the word is one)
/// makes to `valence`.
pub fn scalar_inc_dec(booster: Option<f64>, upper: bool, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(base) = booster else {
        return 0.0;
    };
    let mut scalar = if valence < 0.0 { -base } else { base };
    if upper && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

/// Idioms around the word at `i` (requires `i >= 3`) and two-word dampeners before it.
pub fn special_idioms_check(mut valence: f64, lowered: &[&str], i: usize) -> f64 {
    let one_zero = &lowered[i - 1..=i];
    let two_one_zero = &lowered[i - 2..=i];
    let two_one = &lowered[i - 2..i];
    let three_two_one = &lowered[i - 3..i];
    let three_two = &lowered[i - 3..i - 1];
    for phrase in [one_zero, two_one_zero, two_one, three_two_one, three_two] {
        if let Some(v) = special_case(phrase) {
            valence = v;
            break;
        }
    }
    if lowered.len() - 1 > i {
        if let Some(v) = special_case(&lowered[i..=i + 1]) {
            valence = v;
        }
    }
    if lowered.len() - 1 > i + 1 {
        if let Some(v) = special_case(&lowered[i..=i + 2]) {
            valence = v;
        }
    }
    for n_gram in [three_two_one, three_two, two_one] {
        if let Some(b) = multiword_booster(n_gram) {
            valence += b;
        }
    }
    valence
}

/// "but" shifts weight to what follows it: earlier sentiments ×0.5, later ×1.5.
///
/// Reference quirk kept for exactness: each value is located with `list.index`, i.e. at the
/// first position holding an equal value, so repeated values are adjusted at that position.
pub fn but_check(lowered: &[&str], sentiments: &mut [f64]) {
    let Some(but_index) = lowered.iter().position(|w| *w == "but") else {
        return;
    };
    for index in 0..sentiments.len() {
        let sentiment = sentiments[index];
        let first = sentiments.iter().position(|&s| s == sentiment).unwrap_or(index);
        if first < but_index {
            sentiments[first] = sentiment * 0.5;
        } else if first > but_index {
            sentiments[first] = sentiment * 1.5;
        }
    }
}
