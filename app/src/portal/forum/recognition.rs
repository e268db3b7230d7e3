//! Badges earned from real forum activity: accepted answers and "helped me" reactions from
//! other members. No points to game, no streaks: a few plain thresholds, explained on the badge.

use crate::domain::community::model::Badge;
use crate::domain::format::count;

/// (badge, accepted answers needed, "helped me" reactions needed)
const LADDER: [(&str, i64, i64); 4] = [("Problem solver", 1, 0), ("Trusted helper", 10, 0), ("Helpful", 0, 5), ("Community pillar", 0, 25)];

pub fn badges(accepted_answers: i64, helped_reactions: i64) -> Vec<Badge> {
    LADDER
        .iter()
        .filter(|(_, accepted, helped)| (*accepted > 0 && accepted_answers >= *accepted) || (*helped > 0 && helped_reactions >= *helped))
        .map(|(name, accepted, helped)| Badge {
            name: name.to_string(),
            reason: if *accepted > 0 {
                format!("{} (from {accepted})", count(accepted_answers, "accepted answer", "accepted answers"))
            } else {
                format!(
                    "{} from other members (from {helped})",
                    count(helped_reactions, "\"helped me\" reaction", "\"helped me\" reactions")
                )
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_follow_real_activity() {
        assert!(badges(0, 0).is_empty());
        let names = |a, h| badges(a, h).into_iter().map(|b| b.name).collect::<Vec<_>>();
        assert_eq!(names(1, 4), ["Problem solver"]);
        assert_eq!(names(12, 30), ["Problem solver", "Trusted helper", "Helpful", "Community pillar"]);
        assert_eq!(names(0, 5), ["Helpful"]);
        assert_eq!(badges(1, 0)[0].reason, "1 accepted answer (from 1)");
    }
}
