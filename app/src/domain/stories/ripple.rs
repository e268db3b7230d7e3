//! The ripple effect, as arithmetic: did people who saw a story feel and act better afterwards
//! than comparable people who did not? Pure, so it is unit-tested and shared.

use crate::domain::format::{csv_decimal, csv_line};
use serde::{Deserialize, Serialize};

/// Below this many people on either side, a lift is "too few to tell", not a number.
pub const MIN_GROUP: usize = 5;

/// One customer active around a story's publication. The reference time is their first view
/// (page, embed or digest), or the publication for those who did not see it; `before` and
/// `after` are their mean message sentiment on either side of it, `csat_*` their mean survey
/// score, and `engaged` whether they posted in the forum or bought something after it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub viewed: bool,
    pub plan: Option<String>,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub csat_before: Option<f64>,
    pub csat_after: Option<f64>,
    pub engaged: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lift {
    pub viewers: usize,
    pub comparison: usize,
    /// Viewers and non-viewers in a stratum that has both (see [`lift`]).
    pub matched_viewers: usize,
    pub matched_comparison: usize,
    /// Mean sentiment change of viewers minus that of similar non-viewers (−2 … 2).
    pub sentiment_lift: Option<f64>,
    /// Share of viewers who engaged minus share of similar non-viewers (fraction, −1 … 1).
    pub engagement_lift: Option<f64>,
    /// Mean change of survey score (1–5) of viewers minus that of similar non-viewers.
    pub csat_lift: Option<f64>,
}

/// Who counts as "similar": the same plan and the same mood before (VADER's own cut-offs).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Stratum {
    plan: Option<String>,
    mood_before: i8,
}

fn mood_bucket(before: Option<f64>) -> i8 {
    match before {
        None => 0,
        Some(s) if s <= -0.05 => 1,
        Some(s) if s < 0.05 => 2,
        Some(_) => 3,
    }
}

pub fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The effect on viewers of one measure, by coarsened exact matching: people are grouped by
/// plan and mood before; within each group that has viewers and non-viewers, the difference
/// of the means is taken, and the groups are averaged weighted by their viewers. Viewers with
/// nobody similar to compare with are left out. Returns (matched viewers, matched others,
/// difference), the difference only with at least [`MIN_GROUP`] on each side.
fn matched_difference(outcomes: &[Outcome], measure: impl Fn(&Outcome) -> Option<f64>) -> (usize, usize, Option<f64>) {
    let mut strata: std::collections::BTreeMap<Stratum, (Vec<f64>, Vec<f64>)> = Default::default();
    for outcome in outcomes {
        let Some(value) = measure(outcome) else { continue };
        let stratum = Stratum { plan: outcome.plan.clone(), mood_before: mood_bucket(outcome.before) };
        let (viewers, others) = strata.entry(stratum).or_default();
        if outcome.viewed {
            viewers.push(value)
        } else {
            others.push(value)
        }
    }
    let (mut matched_viewers, mut matched_others, mut weighted) = (0usize, 0usize, 0.0);
    for (viewers, others) in strata.values().filter(|(v, o)| !v.is_empty() && !o.is_empty()) {
        let difference = mean(viewers.iter().copied()).unwrap_or(0.0) - mean(others.iter().copied()).unwrap_or(0.0);
        weighted += difference * viewers.len() as f64;
        matched_viewers += viewers.len();
        matched_others += others.len();
    }
    let enough = matched_viewers >= MIN_GROUP && matched_others >= MIN_GROUP;
    (matched_viewers, matched_others, enough.then(|| weighted / matched_viewers as f64))
}

pub fn lift(outcomes: &[Outcome]) -> Lift {
    let viewers = outcomes.iter().filter(|o| o.viewed).count();
    let (matched_viewers, matched_comparison, engagement_lift) = matched_difference(outcomes, |o| Some(if o.engaged { 1.0 } else { 0.0 }));
    let (_, _, sentiment_lift) = matched_difference(outcomes, |o| Some(o.after? - o.before?));
    let (_, _, csat_lift) = matched_difference(outcomes, |o| Some(o.csat_after? - o.csat_before?));
    Lift { viewers, comparison: outcomes.len() - viewers, matched_viewers, matched_comparison, sentiment_lift, engagement_lift, csat_lift }
}

/// One story's row on the ripple dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryRipple {
    pub story_id: i64,
    pub title: String,
    pub impressions: i64,
    /// Digests that carried the story.
    pub digests: i64,
    /// Clicks on a story card, to the story.
    pub clicks: i64,
    /// Clicks from the story's page onward: to the forum, a new question or search.
    pub onward: i64,
    /// New accounts whose browser had just read the story.
    pub signups: i64,
    /// "This gave me hope" reactions.
    pub reactions: i64,
    pub mean_dwell_secs: Option<f64>,
    pub lift: Lift,
}

/// "Top stories": by engagement lift, then sentiment lift (measured ones first), then by how
/// many saw them.
pub fn rank(rows: &mut [StoryRipple]) {
    let key = |value: Option<f64>| value.map_or(f64::NEG_INFINITY, |v| v);
    rows.sort_by(|a, b| {
        key(b.lift.engagement_lift)
            .total_cmp(&key(a.lift.engagement_lift))
            .then(key(b.lift.sentiment_lift).total_cmp(&key(a.lift.sentiment_lift)))
            .then(b.impressions.cmp(&a.impressions))
    });
}

pub fn to_csv(rows: &[StoryRipple]) -> String {
    let mut csv = csv_line([
        "story_id",
        "title",
        "impressions",
        "digests",
        "clicks",
        "onward",
        "signups",
        "reactions",
        "mean_dwell_secs",
        "viewers",
        "comparison",
        "matched_viewers",
        "matched_comparison",
        "sentiment_lift",
        "engagement_lift",
        "csat_lift",
    ]);
    for row in rows {
        csv.push_str(&csv_line([
            row.story_id.to_string(),
            row.title.clone(),
            row.impressions.to_string(),
            row.digests.to_string(),
            row.clicks.to_string(),
            row.onward.to_string(),
            row.signups.to_string(),
            row.reactions.to_string(),
            csv_decimal(row.mean_dwell_secs),
            row.lift.viewers.to_string(),
            row.lift.comparison.to_string(),
            row.lift.matched_viewers.to_string(),
            row.lift.matched_comparison.to_string(),
            csv_decimal(row.lift.sentiment_lift),
            csv_decimal(row.lift.engagement_lift),
            csv_decimal(row.lift.csat_lift),
        ]));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(viewed: bool, before: f64, after: f64, engaged: bool) -> Outcome {
        Outcome { viewed, before: Some(before), after: Some(after), engaged, ..Outcome::default() }
    }

    #[test]
    fn lift_compares_viewers_with_non_viewers() {
        let mut outcomes: Vec<Outcome> = (0..5).map(|_| outcome(true, -0.2, 0.3, true)).collect(); // +0.5, all engaged
        outcomes.extend((0..5).map(|n| outcome(false, -0.3, -0.2, n == 0))); // +0.1, one in five engaged
        let lift = lift(&outcomes);
        assert_eq!((lift.viewers, lift.comparison, lift.matched_viewers, lift.matched_comparison), (5, 5, 5, 5));
        assert!((lift.sentiment_lift.unwrap() - 0.4).abs() < 1e-9);
        assert!((lift.engagement_lift.unwrap() - 0.8).abs() < 1e-9);
        assert_eq!(lift.csat_lift, None, "nobody answered a survey");
    }

    #[test]
    fn viewers_are_compared_only_with_similar_people() {
        // Viewers were upset before and recovered (+0.6); so did upset non-viewers (+0.6).
        // Happy non-viewers barely moved (+0.0): a naive comparison would credit the story
        // with +0.6, the matched one sees no lift.
        let mut outcomes: Vec<Outcome> = (0..5).map(|_| outcome(true, -0.5, 0.1, false)).collect();
        outcomes.extend((0..5).map(|_| outcome(false, -0.5, 0.1, false)));
        outcomes.extend((0..20).map(|_| outcome(false, 0.6, 0.6, false)));
        let lift = lift(&outcomes);
        assert_eq!((lift.comparison, lift.matched_comparison), (25, 5));
        assert!(lift.sentiment_lift.unwrap().abs() < 1e-9, "{:?}", lift.sentiment_lift);
        // Plans are strata too: pro viewers with only basic non-viewers are not matched.
        let on_plan = |viewed, plan: &str| Outcome { plan: Some(plan.into()), ..outcome(viewed, 0.0, 0.5, viewed) };
        let mut plans: Vec<Outcome> = (0..6).map(|_| on_plan(true, "pro")).collect();
        plans.extend((0..6).map(|_| on_plan(false, "basic")));
        let lift = super::lift(&plans);
        assert_eq!((lift.matched_viewers, lift.engagement_lift), (0, None));
    }

    #[test]
    fn survey_scores_after_viewing_are_a_lift_of_their_own() {
        let answered = |viewed, before, after| Outcome { viewed, csat_before: Some(before), csat_after: Some(after), ..Outcome::default() };
        let mut outcomes: Vec<Outcome> = (0..5).map(|_| answered(true, 3.0, 5.0)).collect();
        outcomes.extend((0..5).map(|_| answered(false, 3.0, 4.0)));
        assert_eq!(lift(&outcomes).csat_lift, Some(1.0));
    }

    #[test]
    fn too_few_people_is_not_a_number() {
        let outcomes = vec![outcome(true, 0.0, 1.0, true), outcome(false, 0.0, 0.0, false)];
        let lift = lift(&outcomes);
        assert_eq!((lift.sentiment_lift, lift.engagement_lift), (None, None));
        let mut missing: Vec<Outcome> = (0..6).map(|_| Outcome { viewed: true, after: Some(0.5), ..Outcome::default() }).collect();
        missing.extend((0..6).map(|_| Outcome { viewed: false, after: Some(0.2), ..Outcome::default() }));
        assert_eq!(super::lift(&missing).sentiment_lift, None, "no before: no change to compare");
        assert_eq!(super::lift(&missing).engagement_lift, Some(0.0));
    }

    fn row(id: i64, engagement: Option<f64>, sentiment: Option<f64>, impressions: i64) -> StoryRipple {
        StoryRipple {
            story_id: id,
            title: String::new(),
            impressions,
            digests: 0,
            clicks: 0,
            onward: 0,
            signups: 0,
            reactions: 0,
            mean_dwell_secs: None,
            lift: Lift { sentiment_lift: sentiment, engagement_lift: engagement, ..Lift::default() },
        }
    }

    #[test]
    fn top_stories_lead_with_measured_lift() {
        let mut rows = vec![row(1, None, None, 50), row(2, Some(0.1), Some(0.2), 5), row(3, Some(0.3), None, 1), row(4, None, None, 80)];
        rank(&mut rows);
        assert_eq!(rows.iter().map(|r| r.story_id).collect::<Vec<_>>(), [3, 2, 4, 1]);
    }

    #[test]
    fn csv_quotes_titles() {
        let row = StoryRipple {
            title: "Fixed, \"fast\"".into(),
            impressions: 3,
            digests: 4,
            clicks: 1,
            onward: 2,
            signups: 1,
            reactions: 2,
            mean_dwell_secs: Some(12.0),
            ..row(1, None, None, 0)
        };
        let csv = to_csv(&[row]);
        assert!(csv.starts_with("story_id,title,impressions,digests,clicks,onward,signups,reactions,"));
        assert_eq!(csv.lines().nth(1).unwrap(), "1,\"Fixed, \"\"fast\"\"\",3,4,1,2,1,2,12.000,0,0,0,0,,,");
    }
}
