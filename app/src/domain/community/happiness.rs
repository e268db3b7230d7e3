//! The portal's happiness strip: how customers are being looked after right now, from real
//! conversations, CSAT answers and published stories. Pure, so the numbers are unit-tested.

use serde::{Deserialize, Serialize};

/// How far back the first-response median looks ("today").
pub const FIRST_RESPONSE_WINDOW_HOURS: i64 = 24;
/// How far back the CSAT average looks.
pub const CSAT_WINDOW_DAYS: i64 = 7;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Happiness {
    /// Conversations opened by a customer in the window that the team has answered.
    pub answered: i64,
    /// Of those opened in the window, still waiting for a first answer.
    pub unanswered: i64,
    pub median_first_response_secs: Option<i64>,
    pub csat_answers: i64,
    /// Mean rating (1–5) of the window's answers.
    pub csat_average: Option<f64>,
    pub stories_shared: i64,
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2 })
}

/// First-response times (seconds) of the window's conversations, `None` where nobody has
/// answered yet, folded into the strip's numbers.
pub fn happiness(first_responses: Vec<Option<i64>>, csat_answers: i64, csat_average: Option<f64>, stories_shared: i64) -> Happiness {
    let total = first_responses.len() as i64;
    let answered: Vec<i64> = first_responses.into_iter().flatten().map(|s| s.max(0)).collect();
    Happiness {
        answered: answered.len() as i64,
        unanswered: total - answered.len() as i64,
        median_first_response_secs: median(answered),
        csat_answers,
        csat_average: csat_average.filter(|_| csat_answers > 0),
        stories_shared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7));
        assert_eq!(median(vec![300, 60, 120]), Some(120));
        assert_eq!(median(vec![60, 600, 120, 180]), Some(150));
    }

    #[test]
    fn unanswered_conversations_are_counted_but_not_in_the_median() {
        let strip = happiness(vec![Some(60), None, Some(180), Some(600), None], 3, Some(4.33), 2);
        assert_eq!(strip.answered, 3);
        assert_eq!(strip.unanswered, 2);
        assert_eq!(strip.median_first_response_secs, Some(180));
        assert_eq!(strip.csat_average, Some(4.33));
        assert_eq!(strip.stories_shared, 2);
    }

    #[test]
    fn no_answers_means_no_average() {
        let strip = happiness(vec![], 0, Some(0.0), 0);
        assert_eq!(strip.median_first_response_secs, None);
        assert_eq!(strip.csat_average, None);
        assert_eq!((strip.answered, strip.unanswered), (0, 0));
    }
}
