//! The ripple effect, as arithmetic: did people who saw a story feel and act better afterwards
//! than comparable people who did not? Pure, so it is unit-tested and shared.

use serde::{Deserialize, Serialize};

/// Below this many people on either side, a lift is "too few to tell", not a number.
pub const MIN_GROUP: usize = 5;

/// One customer active around a story's publication: their mean sentiment before and after
/// the reference time (their first view, or the publication for non-viewers), and whether
/// they engaged afterwards (a forum post or a purchase).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub viewed: bool,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub engaged: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lift {
    pub viewers: usize,
    pub comparison: usize,
    /// Mean sentiment change of viewers minus that of non-viewers (−2 … 2).
    pub sentiment_lift: Option<f64>,
    /// Share of viewers who engaged minus share of non-viewers (percentage points / 100).
    pub engagement_lift: Option<f64>,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

pub fn lift(outcomes: &[Outcome]) -> Lift {
    let (viewers, others): (Vec<&Outcome>, Vec<&Outcome>) = outcomes.iter().partition(|o| o.viewed);
    let change = |group: &[&Outcome]| -> (usize, Option<f64>) {
        let deltas: Vec<f64> = group.iter().filter_map(|o| Some(o.after? - o.before?)).collect();
        (deltas.len(), mean(deltas.into_iter()))
    };
    let engaged = |group: &[&Outcome]| mean(group.iter().map(|o| if o.engaged { 1.0 } else { 0.0 }));
    let (viewers_with_change, viewer_change) = change(&viewers);
    let (others_with_change, other_change) = change(&others);
    let enough = |a: usize, b: usize| a >= MIN_GROUP && b >= MIN_GROUP;
    Lift {
        viewers: viewers.len(),
        comparison: others.len(),
        sentiment_lift: enough(viewers_with_change, others_with_change).then(|| viewer_change.zip(other_change).map(|(v, o)| v - o)).flatten(),
        engagement_lift: enough(viewers.len(), others.len()).then(|| engaged(&viewers).zip(engaged(&others)).map(|(v, o)| v - o)).flatten(),
    }
}

/// One story's row on the ripple dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryRipple {
    pub story_id: i64,
    pub title: String,
    pub impressions: i64,
    pub clicks: i64,
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

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.3}")).unwrap_or_default()
}

pub fn to_csv(rows: &[StoryRipple]) -> String {
    let mut csv = String::from("story_id,title,impressions,clicks,reactions,mean_dwell_secs,viewers,comparison,sentiment_lift,engagement_lift\n");
    for row in rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            row.story_id,
            crate::shell::format::csv_field(&row.title),
            row.impressions,
            row.clicks,
            row.reactions,
            number(row.mean_dwell_secs),
            row.lift.viewers,
            row.lift.comparison,
            number(row.lift.sentiment_lift),
            number(row.lift.engagement_lift)
        ));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(viewed: bool, before: f64, after: f64, engaged: bool) -> Outcome {
        Outcome { viewed, before: Some(before), after: Some(after), engaged }
    }

    #[test]
    fn lift_compares_viewers_with_non_viewers() {
        let mut outcomes: Vec<Outcome> = (0..5).map(|_| outcome(true, -0.2, 0.3, true)).collect(); // +0.5, all engaged
        outcomes.extend((0..5).map(|n| outcome(false, 0.0, 0.1, n == 0))); // +0.1, one in five engaged
        let lift = lift(&outcomes);
        assert_eq!((lift.viewers, lift.comparison), (5, 5));
        assert!((lift.sentiment_lift.unwrap() - 0.4).abs() < 1e-9);
        assert!((lift.engagement_lift.unwrap() - 0.8).abs() < 1e-9);
    }

    #[test]
    fn too_few_people_is_not_a_number() {
        let outcomes = vec![outcome(true, 0.0, 1.0, true), outcome(false, 0.0, 0.0, false)];
        let lift = lift(&outcomes);
        assert_eq!((lift.sentiment_lift, lift.engagement_lift), (None, None));
        let mut missing: Vec<Outcome> = (0..6).map(|_| Outcome { viewed: true, before: None, after: Some(0.5), engaged: false }).collect();
        missing.extend((0..6).map(|_| outcome(false, 0.0, 0.2, false)));
        assert_eq!(super::lift(&missing).sentiment_lift, None, "no before: no change to compare");
        assert_eq!(super::lift(&missing).engagement_lift, Some(0.0));
    }

    #[test]
    fn top_stories_lead_with_measured_lift() {
        let row = |id, engagement: Option<f64>, sentiment: Option<f64>, impressions| StoryRipple {
            story_id: id, title: String::new(), impressions, clicks: 0, reactions: 0, mean_dwell_secs: None,
            lift: Lift { viewers: 0, comparison: 0, sentiment_lift: sentiment, engagement_lift: engagement },
        };
        let mut rows = vec![row(1, None, None, 50), row(2, Some(0.1), Some(0.2), 5), row(3, Some(0.3), None, 1), row(4, None, None, 80)];
        rank(&mut rows);
        assert_eq!(rows.iter().map(|r| r.story_id).collect::<Vec<_>>(), [3, 2, 4, 1]);
    }

    #[test]
    fn csv_quotes_titles() {
        let row = StoryRipple { story_id: 1, title: "Fixed, \"fast\"".into(), impressions: 3, clicks: 1, reactions: 2, mean_dwell_secs: Some(12.0), lift: Lift::default() };
        assert_eq!(to_csv(&[row]).lines().nth(1).unwrap(), "1,\"Fixed, \"\"fast\"\"\",3,1,2,12.000,0,0,,");
    }
}
